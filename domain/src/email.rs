use crate::text::is_invisible;
use icu_normalizer::ComposingNormalizerBorrowed;
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use std::fmt;

/// An email address in one canonical form, so that one mailbox is one
/// account however its address is typed: the identity a member logs in with.
///
/// The local part is trimmed, width-mapped (fullwidth `ｓａｍ` is `sam`, as
/// RFC 8265 maps user names), lower-cased and put in Unicode NFC (a
/// decomposed `é` is the composed one); the domain is mapped by IDNA
/// (UTS 46), so `ＥＸＡＭＰＬＥ.org`, `Example.org` and `example.org` are one
/// domain, and `xn--bcher-kva.de` is `bücher.de`. Invisible and control
/// characters are refused rather than dropped: an address that hides
/// something is a mistake or a trick.
///
/// The check is otherwise modest (one `@`, a dotted domain of sane
/// labels): the only real proof of an address is mail that arrives, and
/// rejecting a valid address locks a person out.
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
    /// Holds a character that shows nothing or controls the text.
    #[error("must not contain invisible or control characters")]
    Invisible,
    /// Not of the form `name@domain.tld`.
    #[error("is not a valid email address")]
    Invalid,
}

impl Email {
    /// The longest address SMTP can carry.
    pub const MAX_LEN: usize = 254;

    /// Parses user input into the canonical form. Parsing a canonical
    /// address gives it back unchanged.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(EmailError::Empty);
        }
        if raw.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(EmailError::Invisible);
        }
        let (local, domain) = raw.split_once('@').ok_or(EmailError::Invalid)?;
        let local = local_part(local);
        if local.is_empty()
            || local.chars().count() > 64
            || local.chars().any(|c| c.is_whitespace() || c == '@')
        {
            return Err(EmailError::Invalid);
        }
        let domain = domain_name(domain).ok_or(EmailError::Invalid)?;
        Ok(Self(format!("{local}@{domain}")))
    }

    /// An address as storage holds it: canonical when it was written.
    pub fn stored(address: String) -> Self {
        Self(address)
    }

    /// The canonical address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Fullwidth and halfwidth forms mapped to their ordinary characters, then
/// lower case, then NFC.
fn local_part(raw: &str) -> String {
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let mut mapped = String::with_capacity(raw.len());
    for c in raw.chars() {
        if ('\u{FF00}'..='\u{FFEF}').contains(&c) {
            mapped.push_str(&nfkc.normalize(c.encode_utf8(&mut [0; 4])));
        } else {
            mapped.push(c);
        }
    }
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&mapped.to_lowercase())
        .into_owned()
}

/// The domain as UTS 46 maps it, in Unicode (what a person reads), when it
/// is a plausible mail domain: at least two labels of letters, digits and
/// inner hyphens, within DNS lengths.
fn domain_name(raw: &str) -> Option<String> {
    let uts46 = Uts46::new();
    let ascii = uts46
        .to_ascii(
            raw.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::Check,
            DnsLength::Verify,
        )
        .ok()?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let plausible = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !plausible {
        return None;
    }
    let (unicode, checked) =
        uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    checked.ok()?;
    Some(unicode.into_owned())
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
            "ada@exa_mple.org",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn look_alikes_are_one_address() {
        let canonical = |raw: &str| Email::parse(raw).expect(raw).as_str().to_owned();
        assert_eq!(canonical("sam@ｅｘａｍｐｌｅ.org"), "sam@example.org");
        assert_eq!(canonical("ｓａｍ@example.org"), "sam@example.org");
        assert_eq!(canonical("ＳＡＭ@EXAMPLE.ORG"), "sam@example.org");
        assert_eq!(canonical("jose\u{301}@example.org"), "josé@example.org");
        assert_eq!(canonical("JOSÉ@example.org"), "josé@example.org");
        assert_eq!(canonical("sam@xn--bcher-kva.de"), "sam@bücher.de");
        assert_eq!(canonical("sam@BÜCHER.de"), "sam@bücher.de");
        for hidden in [
            "sa\u{200B}m@example.org",
            "sam@exa\u{200B}mple.org",
            "sam@example.org\u{202E}",
        ] {
            assert_eq!(
                Email::parse(hidden),
                Err(EmailError::Invisible),
                "{hidden:?}"
            );
        }
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
        fn any_parsed_address_is_canonical(raw in "\\PC{1,20}@\\PC{1,12}\\.[a-zA-Z\u{e9}\u{ff41}]{2,5}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn no_at_sign_never_parses(raw in "[^@]{0,60}") {
            prop_assert!(Email::parse(&raw).is_err());
        }
    }
}
