//! The key access tokens are signed with. On SQLite with no key configured,
//! one is generated on first start and kept beside the database file, so
//! tokens survive a restart; on PostgreSQL (several processes) it must be
//! configured.

use crate::config::{Config, DatabaseUrl};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use std::{
    fs::OpenOptions,
    io::{ErrorKind, Read, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

/// Why no key could be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// PostgreSQL and no `TETHER_JWT_SECRET`.
    #[error("TETHER_JWT_SECRET: required when TETHER_DATABASE_URL is a PostgreSQL URL")]
    Missing,
    /// The key file could not be read or written.
    #[error("TETHER_JWT_SECRET: not set, and the key file {path} failed: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// The signing secret from the configuration, or from the key file.
pub fn resolve(config: &Config) -> Result<Vec<u8>, KeyError> {
    match (&config.jwt_secret, &config.database) {
        (Some(secret), _) => Ok(secret.as_bytes().to_vec()),
        (None, DatabaseUrl::Postgres(_)) => Err(KeyError::Missing),
        (None, DatabaseUrl::Sqlite(db)) => {
            let path = key_path(db);
            load_or_create(&path).map_err(|source| KeyError::File { path, source })
        }
    }
}

/// `tether.db` keeps its key in `tether.db.jwt-key`.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".jwt-key");
    db.with_file_name(name)
}

fn load_or_create(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = [0u8; 64];
    OsRng.fill_bytes(&mut bytes);
    let fresh = URL_SAFE_NO_PAD.encode(bytes);
    // create_new: two processes starting at once cannot both write a key.
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(fresh.as_bytes())?;
            file.sync_all()?;
            tracing::info!(
                path = %path.display(),
                "generated a signing key for access tokens; keep it with the database (tokens signed with it end when it is lost)"
            );
            Ok(fresh.into_bytes())
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            let mut stored = String::new();
            OpenOptions::new()
                .read(true)
                .open(path)?
                .read_to_string(&mut stored)?;
            let stored = stored.trim();
            if stored.len() < 32 {
                return Err(std::io::Error::new(
                    ErrorKind::InvalidData,
                    "key is too short",
                ));
            }
            Ok(stored.as_bytes().to_vec())
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn postgres_needs_a_configured_key() {
        let config = Config::from_lookup(|name| {
            (name == "TETHER_DATABASE_URL").then(|| "postgres://tether@db/tether".to_owned())
        })
        .expect("valid settings");
        let error = resolve(&config).expect_err("no key on PostgreSQL");
        assert!(matches!(error, KeyError::Missing));
        assert!(error.to_string().starts_with("TETHER_JWT_SECRET: "));
    }

    #[test]
    fn a_generated_key_is_private_and_kept() {
        let dir = std::env::temp_dir().join(format!("tether-key-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = key_path(&dir.join("tether.db"));
        assert_eq!(path, dir.join("tether.db.jwt-key"));
        let first = load_or_create(&path).expect("created");
        let second = load_or_create(&path).expect("read back");
        assert_eq!(first, second);
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
