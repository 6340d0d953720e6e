//! The JSON body extractor. Unlike actix's own it answers every failure as
//! a problem: 415 for another media type, 413 over 64 KiB, 400 for text
//! that is not JSON, and for JSON of the wrong shape nothing at once: the
//! body is read field by field (each a [`Field`](super::field::Field)),
//! fields it does not take and fields given twice are noted, and the
//! handler adds what its own checks find, so one 422 names every bad field.

use super::error::{ApiError, FieldErrors};
use crate::digest::sha256_hex;
use actix_web::{
    FromRequest, HttpMessage, HttpRequest, dev::Payload, error::PayloadError, web::Bytes,
};
use serde::{
    Deserialize,
    de::{DeserializeOwned, MapAccess, Visitor, value::MapDeserializer},
};
use serde_json::value::RawValue;
use std::{
    any::TypeId,
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};
use utoipa::PartialSchema;

/// Largest body any endpoint accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// Most fields a body may have at its top level: more than any request
/// takes, few enough that naming each stray one stays cheap.
const MAX_FIELDS: usize = 32;

/// A request body read from a JSON object, with what was wrong with its
/// shape so far: the handler goes on checking into the same `errors`.
#[derive(Debug)]
pub struct Body<T> {
    /// The fields it takes.
    pub body: T,
    /// Fields it does not take, or given twice.
    pub errors: FieldErrors,
}

impl<T: DeserializeOwned + PartialSchema + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move { parse(&body.await?) })
    }
}

/// A body and a fingerprint of its content: the same JSON value gives the
/// same fingerprint whatever its spacing or key order. Used to tell a
/// retried request from another one sent with the same idempotency key.
#[derive(Debug)]
pub struct Fingerprinted<T> {
    /// The body, read as [`Body`] reads it.
    pub body: Body<T>,
    /// SHA-256 of the canonical JSON text, hex.
    pub fingerprint: String,
}

impl<T: DeserializeOwned + PartialSchema + 'static> FromRequest for Fingerprinted<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        // The operation is part of what a key stands for: one key sent to
        // two endpoints with the same body is two requests, not a retry.
        let operation = format!("{} {}\n", req.method(), req.path());
        Box::pin(async move {
            let bytes = body.await?;
            let body = parse(&bytes)?;
            // serde_json's map keeps keys sorted, which makes the text
            // canonical. A body it cannot hold (a number out of range) is
            // refused before any answer is kept, so its raw bytes do.
            let canonical = match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(value) => value.to_string().into_bytes(),
                Err(_) => bytes.to_vec(),
            };
            let fingerprint = sha256_hex(&[operation.as_bytes(), &canonical].concat());
            Ok(Self { body, fingerprint })
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

/// Reads a JSON object into `T`, whose fields are all
/// [`Field`](super::field::Field)s and so never fail: the fields `T` does
/// not take, and fields given twice, are noted in the errors instead.
pub fn parse<T: DeserializeOwned + PartialSchema + 'static>(
    body: &[u8],
) -> Result<Body<T>, ApiError> {
    // serde would also read a struct from an array of its fields in order;
    // every body here is an object, and the spec says so.
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(not_json)?;
        return Err(ApiError::Validation(FieldErrors::one(
            "body",
            "must be a JSON object",
        )));
    }
    let Entries(entries) = serde_json::from_slice(body).map_err(not_json)?;
    let takes = fields_of::<T>();
    // A body of thousands of made-up fields is not a mistake to list one by
    // one: the answer, and the work, stay small.
    if entries.len() > MAX_FIELDS {
        return Err(ApiError::Validation(FieldErrors::one(
            "body",
            format!(
                "has {} fields; this request takes {}: {}",
                entries.len(),
                takes.len(),
                takes.join(", ")
            ),
        )));
    }
    let mut errors = FieldErrors::new();
    let mut given: Vec<(&str, &RawValue)> = Vec::with_capacity(entries.len());
    for (name, value) in &entries {
        if given.iter().any(|(seen, _)| seen == name) {
            errors.add(name.as_str(), "must be given once");
        } else if takes.contains(name) {
            given.push((name, value));
        } else {
            errors.add(
                name.as_str(),
                format!("is not a field here; the fields are {}", takes.join(", ")),
            );
        }
    }
    let body = T::deserialize(MapDeserializer::<_, serde_json::Error>::new(
        given.into_iter(),
    ))
    .map_err(|error| {
        // Every field is a Field, which reads any JSON: this is a bug.
        tracing::error!(%error, "a body's fields did not read");
        ApiError::internal("a request body has a field that is not a Field")
    })?;
    Ok(Body { body, errors })
}

/// A 400 for text that is not JSON, saying where, in our words.
fn not_json(error: serde_json::Error) -> ApiError {
    ApiError::BadRequest(format!(
        "The body is not valid JSON (line {}, column {}).",
        error.line(),
        error.column()
    ))
}

/// The top-level fields of a JSON object in the order sent, each value as
/// its raw text, repeats kept.
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// The fields `T` takes, as its spec schema names them: the spec and the
/// server cannot disagree on them. Worked out once per type.
fn fields_of<T: PartialSchema + 'static>() -> Arc<Vec<String>> {
    static KNOWN: OnceLock<Mutex<HashMap<TypeId, Arc<Vec<String>>>>> = OnceLock::new();
    let mut known = KNOWN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    known
        .entry(TypeId::of::<T>())
        .or_insert_with(|| {
            use utoipa::openapi::{RefOr, schema::Schema};
            Arc::new(match T::schema() {
                RefOr::T(Schema::Object(object)) => object.properties.into_keys().collect(),
                _ => Vec::new(),
            })
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::field::Field;

    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Request {
        #[serde(default)]
        #[schema(value_type = String)]
        name: Field<String>,
        #[serde(default)]
        #[schema(value_type = i64)]
        count: Field<WholeNumber>,
    }

    fn read(json: &[u8]) -> Result<Body<Request>, ApiError> {
        parse(json)
    }

    #[test]
    fn names_fields_it_does_not_take_and_repeats_and_reads_the_rest() {
        let Body { body, errors } =
            read(br#"{"name":"x","count":1e400,"extra":2,"name":"y"}"#).expect("read");
        assert_eq!(errors.fields(), ["extra", "name"]);
        assert!(matches!(body.name, Field::Value(name) if name == "x"));
        assert!(matches!(body.count, Field::Invalid));
        let Body { body, errors } = read(br#"{}"#).expect("read");
        assert!(errors.is_empty());
        assert!(matches!(body.name, Field::Absent));
    }

    #[test]
    fn thousands_of_stray_fields_get_one_short_answer() {
        let fields: Vec<String> = (0..5_000).map(|i| format!("\"f{i}\":0")).collect();
        let body = format!("{{{}}}", fields.join(","));
        match read(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors.fields(), ["body"]),
            other => panic!("expected one validation error, got {other:?}"),
        }
    }

    #[test]
    fn only_an_object_is_a_body() {
        match read(br#"[1]"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors.fields(), ["body"]),
            other => panic!("expected a validation error, got {other:?}"),
        }
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
    fn text_that_is_not_json_is_a_bad_request_in_our_words() {
        for broken in [&b"{\"name\":"[..], br#"{"name":"x","count":1} {}"#] {
            match read(broken) {
                Err(ApiError::BadRequest(detail)) => {
                    assert!(
                        detail.starts_with("The body is not valid JSON (line 1"),
                        "{detail}"
                    )
                }
                other => panic!("expected a bad request, got {other:?}"),
            }
        }
    }
}
