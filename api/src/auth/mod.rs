//! Who a caller is: password hashing, access tokens, refresh tokens, and the
//! signing key they rest on.

pub mod access;
pub mod key;
pub mod password;
pub mod refresh;
