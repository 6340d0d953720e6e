//! argon2id password hashing, with at most one hash per core at a time:
//! each takes ~19 MiB and tens of milliseconds, and a burst of logins must
//! starve neither the actix workers nor the memory. Each hash runs on a
//! thread of its own that ends with it, so its 19 MiB go back to the
//! system at once instead of staying with a pooled thread.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{
        PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString, rand_core::OsRng,
    },
};
use std::sync::{Arc, OnceLock};
use tether_domain::Password;
use tokio::sync::{Semaphore, oneshot};

/// Why hashing did not produce an answer.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// argon2 itself failed (a corrupt stored hash).
    #[error("password hashing failed: {0}")]
    Argon2(argon2::password_hash::Error),
    /// The parameters were refused.
    #[error("argon2 parameters refused: {0}")]
    Params(argon2::Error),
    /// The blocking task was cancelled.
    #[error("password hashing was cancelled")]
    Cancelled,
}

/// Hashes and verifies passwords; cheap to clone.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }
}

// OWASP's recommended argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(19_456, 2, 1, None).map_err(HashError::Params)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

impl Hasher {
    /// A PHC string for the password, with a fresh salt.
    pub async fn hash(&self, password: Password) -> Result<String, HashError> {
        self.blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()?
                .hash_password(password.expose().as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(HashError::Argon2)
        })
        .await
    }

    /// Whether `password` matches the stored PHC string. With no stored hash
    /// (an unknown email) it checks against a dummy, so both answers take
    /// the same time and timing does not tell which accounts exist.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        self.blocking(move || {
            let (stored, real) = match stored {
                Some(stored) => (stored, true),
                None => (dummy_hash()?.to_owned(), false),
            };
            let parsed = PasswordHash::new(&stored).map_err(HashError::Argon2)?;
            let matches = argon2()?
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(real && matches)
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Cancelled)?;
        let (done, answer) = oneshot::channel();
        std::thread::Builder::new()
            .name("tether-hash".into())
            .spawn(move || {
                // The receiver is gone only if the request was dropped.
                let _ = done.send(work());
            })
            .map_err(|_| HashError::Cancelled)?;
        answer.await.map_err(|_| HashError::Cancelled)?
    }
}

fn dummy_hash() -> Result<&'static str, HashError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()?
        .hash_password(b"not anybody's password", &salt)
        .map_err(HashError::Argon2)?
        .to_string();
    Ok(DUMMY.get_or_init(|| hash))
}
