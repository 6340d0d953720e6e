//! Headers every answer carries: `X-Content-Type-Options: nosniff`, so no
//! browser reads our JSON as something else, and `Cache-Control: no-store`
//! on the API's answers, which carry tokens and personal data that no
//! cache, proxy or shared device should keep.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
};

/// Adds the headers, leaving any a handler set itself.
pub async fn secure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The spec and the docs' static files are public and may be cached;
    // everything under /v1 is someone's, or says something about someone.
    let private = req.path().starts_with("/v1/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}
