//! Access tokens: short-lived HS256 JWTs. The algorithm is pinned, and
//! issuer, audience, expiry and subject are all required and checked.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tether_domain::MemberId;
use uuid::Uuid;

/// Who issues our tokens.
pub const ISSUER: &str = "tether";
/// Who our tokens are for.
pub const AUDIENCE: &str = "tether-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    /// The session the token belongs to: ending it ends the token.
    sid: String,
    iat: u64,
    exp: u64,
}

/// What a genuine, current token says: who, in which session. Whether the
/// session still holds is the database's to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims {
    /// The member it speaks for.
    pub member: MemberId,
    /// The session it was issued in.
    pub session: Uuid,
}

/// Issues and checks access tokens.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// Why a token was refused. Deliberately vague towards the client.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, wrong algorithm, expired, wrong audience, ...
    #[error("invalid access token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// The subject or the session is not an id.
    #[error("invalid access token subject or session")]
    Subject,
}

impl AccessTokens {
    /// Tokens signed with `secret`, valid for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// How long a token lives, in seconds: the `expires_in` of a session.
    pub fn ttl_seconds(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// A token for `member` in `session`, valid from now.
    pub fn issue(&self, member: MemberId, session: Uuid) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: member.to_string(),
            sid: session.to_string(),
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Who a token speaks for, and in which session, if it is genuine and
    /// current.
    pub fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        match (Uuid::parse_str(&claims.sub), Uuid::parse_str(&claims.sid)) {
            (Ok(member), Ok(session)) => Ok(TokenClaims {
                member: MemberId::from_uuid(member),
                session,
            }),
            _ => Err(TokenError::Subject),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_speaks_for_its_member_only_under_its_key() {
        let tokens = AccessTokens::new(&[7; 32], Duration::from_secs(60));
        let member = MemberId::new();
        let session = Uuid::now_v7();
        let token = tokens.issue(member, session).expect("issued");
        assert_eq!(
            tokens.verify(&token).expect("valid"),
            TokenClaims { member, session }
        );
        let other = AccessTokens::new(&[8; 32], Duration::from_secs(60));
        assert!(other.verify(&token).is_err());
        assert!(tokens.verify("not.a.token").is_err());
    }
}
