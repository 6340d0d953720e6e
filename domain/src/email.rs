use std::fmt;

/// An email address, trimmed and lower-cased: the identity a member logs in with.
///
/// The check is deliberately modest (one `@`, a dotted domain of sane labels,
/// no spaces or control characters): the only real proof of an address is
/// mail that arrives, and rejecting a valid address locks a person out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a string is not an [`Email`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but white space.
    #[error("is required")]
    Empty,
    /// Longer than the 254 characters an address may have.
    #[error("must be at most 254 characters")]
    TooLong,
    /// Not of the form `name@domain.tld`.
    #[error("is not a valid email address")]
    Invalid,
}

impl Email {
    /// The longest address SMTP can carry.
    pub const MAX_LEN: usize = 254;

    /// Parses user input: checks its length as sent, trims it, lower-cases
    /// it and checks its shape.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = email.split_once('@').ok_or(EmailError::Invalid)?;
        if local.is_empty()
            || local.chars().count() > 64
            || local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@')
            || !is_domain(domain)
        {
            return Err(EmailError::Invalid);
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_lowercases() {
        let email = Email::parse("  Ada.Lovelace@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "ada.lovelace@example.org");
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@-x.org",
            "ada@x..org",
            "a@b@c.org",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn plausible_addresses_parse_and_normalise(
            local in "[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]{1,40}",
            domain in "[A-Za-z0-9]{1,20}(\\.[A-Za-z0-9]{1,10}){1,3}",
        ) {
            let raw = format!(" {local}@{domain} ");
            let email = Email::parse(&raw).expect("plausible address");
            prop_assert_eq!(email.as_str(), raw.trim().to_lowercase());
            // Parsing is idempotent: a stored address parses to itself.
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }

        #[test]
        fn no_at_sign_never_parses(raw in "[^@]{0,60}") {
            prop_assert!(Email::parse(&raw).is_err());
        }
    }
}
