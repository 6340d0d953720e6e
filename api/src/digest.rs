//! SHA-256 as lower-case hex: how refresh tokens are stored and how request
//! bodies are fingerprinted for idempotency.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
