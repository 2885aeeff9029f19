//! Password hashing with argon2id at the crate's defaults (the OWASP
//! minimum), off the async threads and bounded by a semaphore so a login
//! flood queues instead of taking every core and hundreds of megabytes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::domain::account::Password;
use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified when the account is unknown so
    /// that path costs the same as a wrong password.
    dummy_hash: Arc<str>,
    dummy_verifications: Arc<AtomicU64>,
}

impl Passwords {
    pub fn new(concurrent_hashes: usize) -> anyhow::Result<Self> {
        let mut random = [0u8; 24];
        getrandom::fill(&mut random).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
        let dummy_hash = hash_now(&random)?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
            dummy_hash: dummy_hash.into(),
            dummy_verifications: Arc::default(),
        })
    }

    pub async fn hash(&self, password: &Password) -> ApiResult<String> {
        let bytes = password.expose().as_bytes().to_vec();
        self.bounded(move || hash_now(&bytes).map_err(ApiError::internal)).await
    }

    /// Checks `password` against `stored`, or against the dummy hash when
    /// there is no account, so both paths do the same work.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> ApiResult<bool> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| {
            self.dummy_verifications.fetch_add(1, Ordering::Relaxed);
            self.dummy_hash.to_string()
        });
        let bytes = password.as_bytes().to_vec();
        let matched = self.bounded(move || Ok(verify_now(&bytes, &hash))).await?;
        Ok(known && matched)
    }

    /// How many times the unknown-account path ran (for tests and metrics).
    pub fn dummy_verifications(&self) -> u64 {
        self.dummy_verifications.load(Ordering::Relaxed)
    }

    async fn bounded<T: Send + 'static>(&self, work: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        actix_web::web::block(work).await.map_err(ApiError::internal)?
    }
}

/// Hashes on the calling thread (for the command line; the server uses `Passwords::hash`).
pub fn hash_blocking(password: &Password) -> anyhow::Result<String> {
    hash_now(password.expose().as_bytes())
}

fn hash_now(password: &[u8]) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing failed: {error}"))
}

fn verify_now(password: &[u8], stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password, &parsed).is_ok(),
        Err(error) => {
            tracing::error!(%error, "a stored password hash does not parse");
            false
        }
    }
}
