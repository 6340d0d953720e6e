//! The JSON body extractor. Unlike actix's own it answers every failure as
//! a problem: 415 for another media type, 413 over 64 KiB, 400 for text
//! that is not JSON, 422 naming the field for JSON of the wrong shape
//! (a missing or unknown field, a number where text belongs).

use super::error::{ApiError, FieldErrors};
use crate::digest::sha256_hex;
use actix_web::{
    FromRequest, HttpMessage, HttpRequest, dev::Payload, error::PayloadError, web::Bytes,
};
use serde::de::DeserializeOwned;
use std::{future::Future, pin::Pin};

/// Largest body any endpoint accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// A request body parsed from JSON.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move { parse(&body.await?).map(Json) })
    }
}

/// A JSON body and a fingerprint of its content: the same JSON value gives
/// the same fingerprint whatever its spacing or key order. Used to tell a
/// retried request from another one sent with the same idempotency key.
#[derive(Debug)]
pub struct Fingerprinted<T> {
    /// The parsed body.
    pub body: T,
    /// SHA-256 of the canonical JSON text, hex.
    pub fingerprint: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for Fingerprinted<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move {
            let bytes = body.await?;
            let body = parse(&bytes)?;
            // Parsed fine above, so it is JSON; serde_json's map keeps keys
            // sorted, which makes the text canonical.
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|_| ApiError::internal("a parsed body is not JSON"))?;
            Ok(Self {
                body,
                fingerprint: sha256_hex(value.to_string().as_bytes()),
            })
        })
    }
}

/// The body's bytes, once the media type and size are right.
fn read(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<Bytes, ApiError>> + use<> {
    let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application"
            && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    });
    let body = Bytes::from_request(req, payload);
    async move {
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        body.await
            .map_err(|error| match error.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest("The body could not be read.".into()),
            })
    }
}

/// A whole number as JSON Schema counts one: `2` and `2.0` alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct WholeNumber(pub i64);

impl<'de> serde::Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
                    // Exact: a whole number below 2^53 converts without loss.
                    .map(|n| n as i64)
            })
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("must be a whole number"))
    }
}

/// Parses a JSON object, naming the field at fault when its shape is off.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let not_json = |error: serde_json::Error| {
        ApiError::BadRequest(format!(
            "The body is not valid JSON: {}.",
            strip_position(&error.to_string())
        ))
    };
    // serde would also read a struct from an array of its fields in order;
    // every body here is an object, and the spec says so.
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(not_json)?;
        return Err(ApiError::Validation(FieldErrors::one(
            "body",
            "must be a JSON object",
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = strip_position(&inner.to_string());
                ApiError::Validation(FieldErrors::one(field_of(&path, &message), message))
            }
            _ => not_json(inner),
        }
    })?;
    deserializer.end().map_err(not_json)?;
    Ok(value)
}

// serde names a missing or repeated field only in its message, and the
// path then points at the object that holds it; an unknown field is in both.
pub fn field_of(path: &str, message: &str) -> String {
    let named = message.split('`').nth(1).filter(|_| {
        ["missing field", "unknown field", "duplicate field"]
            .iter()
            .any(|kind| message.starts_with(kind))
    });
    match (path, named) {
        (".", Some(field)) => field.to_owned(),
        (_, Some(field)) if path == field || path.ends_with(&format!(".{field}")) => {
            path.to_owned()
        }
        (_, Some(field)) => format!("{path}.{field}"),
        (".", None) => "body".to_owned(),
        (path, None) => path.to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: i64,
    }

    fn errors(result: Result<Body, ApiError>) -> Vec<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.fields(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(errors(parse(br#"{"name":"x"}"#)), ["count"]);
        assert_eq!(
            errors(parse(br#"{"name":"x","count":1,"extra":2}"#)),
            ["extra"]
        );
        assert_eq!(errors(parse(br#"{"name":"x","count":"one"}"#)), ["count"]);
        assert_eq!(errors(parse(br#"[1]"#)), ["body"]);
        assert_eq!(
            errors(parse(br#"{"name":"x","count":1,"name":"y"}"#)),
            ["name"]
        );
    }

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        let parse = |raw: &str| serde_json::from_str::<WholeNumber>(raw).ok();
        assert_eq!(parse("2"), Some(WholeNumber(2)));
        assert_eq!(parse("2.0"), Some(WholeNumber(2)));
        assert_eq!(parse("-3e0"), Some(WholeNumber(-3)));
        assert_eq!(parse("2.5"), None);
        assert_eq!(parse("1e300"), None);
        assert_eq!(parse("\"2\""), None);
    }

    #[test]
    fn text_that_is_not_json_is_a_bad_request() {
        assert!(matches!(
            parse::<Body>(b"{\"name\":"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Body>(br#"{"name":"x","count":1} {}"#),
            Err(ApiError::BadRequest(_))
        ));
    }
}
