//! Password hashing with argon2id at the crate's defaults (the OWASP
//! minimum), off the async threads and bounded by a semaphore so a login
//! flood queues instead of taking every core and hundreds of megabytes.
//! Each hash needs 19 MiB of working memory; allocated afresh, it stayed
//! resident in the allocator's per-thread arenas (4 GB after a flood of
//! sign-ins), so it is kept and reused: at most one buffer per permit.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::account::Password;
use crate::error::{ApiError, ApiResult};

/// Bytes of random salt per hash (the password-hash crate's recommendation).
const SALT_BYTES: usize = 16;

/// Argon2 working memory, sized for the default parameters.
type Memory = Vec<Block>;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    permit_count: usize,
    /// Working memory of finished hashes, handed to the next permit holder.
    spare_memory: Arc<Mutex<Vec<Memory>>>,
    memory_buffers: Arc<AtomicUsize>,
    /// A hash of a random password, verified when the account is unknown so
    /// that path costs the same as a wrong password.
    dummy_hash: Arc<str>,
    dummy_verifications: Arc<AtomicU64>,
}

impl Passwords {
    pub fn new(concurrent_hashes: usize) -> anyhow::Result<Self> {
        let mut random = [0u8; 24];
        getrandom::fill(&mut random).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
        let dummy_hash = hash_now(&random, &mut new_memory())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
            permit_count: concurrent_hashes.max(1),
            spare_memory: Arc::default(),
            memory_buffers: Arc::default(),
            dummy_hash: dummy_hash.into(),
            dummy_verifications: Arc::default(),
        })
    }

    pub async fn hash(&self, password: &Password) -> ApiResult<String> {
        let bytes = password.expose().as_bytes().to_vec();
        self.bounded(move |memory| hash_now(&bytes, memory).map_err(ApiError::internal)).await
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
        let matched = self.bounded(move |memory| Ok(verify_now(&bytes, &hash, memory))).await?;
        Ok(known && matched)
    }

    /// How many times the unknown-account path ran (for tests and metrics).
    pub fn dummy_verifications(&self) -> u64 {
        self.dummy_verifications.load(Ordering::Relaxed)
    }

    /// Working-memory buffers ever made; never more than the permits.
    pub fn memory_buffers(&self) -> usize {
        self.memory_buffers.load(Ordering::Relaxed)
    }

    /// How many hashes may run at once.
    pub fn permits(&self) -> usize {
        self.permit_count
    }

    /// Runs `work` with a permit and its working memory, off the async threads.
    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let spare = self.spare_memory.lock().ok().and_then(|mut spare| spare.pop());
        let mut memory = spare.unwrap_or_else(|| {
            self.memory_buffers.fetch_add(1, Ordering::Relaxed);
            new_memory()
        });
        let (result, memory) =
            actix_web::web::block(move || (work(&mut memory), memory)).await.map_err(ApiError::internal)?;
        if let Ok(mut spare) = self.spare_memory.lock() {
            spare.push(memory);
        }
        result
    }
}

/// Hashes on the calling thread (for the command line; the server uses `Passwords::hash`).
pub fn hash_blocking(password: &Password) -> anyhow::Result<String> {
    hash_now(password.expose().as_bytes(), &mut new_memory())
}

fn new_memory() -> Memory {
    vec![Block::default(); Params::default().block_count()]
}

/// argon2id, version 0x13, default parameters, a fresh salt: the PHC string.
fn hash_now(password: &[u8], memory: &mut Memory) -> anyhow::Result<String> {
    let mut salt = [0u8; SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    let params = Params::default();
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut output, memory.as_mut_slice())
        .map_err(|error| anyhow::anyhow!("hashing failed: {error}"))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|error| anyhow::anyhow!("hashing failed: {error}"))?,
        salt: Some(Salt::new(&salt).map_err(|error| anyhow::anyhow!("hashing failed: {error}"))?),
        hash: Some(Output::new(&output).map_err(|error| anyhow::anyhow!("hashing failed: {error}"))?),
    };
    Ok(hash.to_string())
}

fn verify_now(password: &[u8], stored: &str, memory: &mut Memory) -> bool {
    match matches_stored(password, stored, memory) {
        Ok(matched) => matched,
        Err(error) => {
            tracing::error!(%error, "a stored password hash cannot be checked");
            false
        }
    }
}

/// Recomputes the hash with the stored algorithm, version, parameters and
/// salt, in `memory` (grown if the stored parameters need more), and
/// compares the outputs in constant time.
fn matches_stored(password: &[u8], stored: &str, memory: &mut Memory) -> anyhow::Result<bool> {
    let failed = |error: &dyn std::fmt::Display| anyhow::anyhow!("{error}");
    let parsed = PasswordHash::new(stored).map_err(|error| failed(&error))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        anyhow::bail!("the stored hash has no salt or no output");
    };
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|error| failed(&error))?;
    let version =
        parsed.version.map(Version::try_from).transpose().map_err(|error| failed(&error))?.unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|error| failed(&error))?;
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut output = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt.as_ref(), &mut output, memory.as_mut_slice())
        .map_err(|error| failed(&error))?;
    Ok(Output::new(&output).map_err(|error| failed(&error))? == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[test]
    fn hashes_made_in_kept_memory_agree_with_the_crates_own_in_both_directions() {
        let mut memory = new_memory();
        let ours = hash_now(b"a calm long password", &mut memory).unwrap_or_default();
        let parsed = PasswordHash::new(&ours).ok();
        let crate_checks = |password: &[u8]| {
            parsed.as_ref().is_some_and(|hash| Argon2::default().verify_password(password, hash).is_ok())
        };
        assert!(crate_checks(b"a calm long password"));
        assert!(!crate_checks(b"a calm long passwore"));

        let theirs = Argon2::default().hash_password(b"another password").map(|hash| hash.to_string());
        let theirs = theirs.unwrap_or_default();
        assert!(verify_now(b"another password", &theirs, &mut memory));
        assert!(!verify_now(b"another passwore", &theirs, &mut memory));
        assert!(verify_now(b"a calm long password", &ours, &mut memory), "the reused memory gives the same hash");
    }

    #[test]
    fn a_hash_needing_more_memory_grows_the_buffer_and_still_checks() {
        let bigger = Params::new(Params::DEFAULT_M_COST * 2, 1, 1, None).unwrap_or_default();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, bigger);
        let stored = argon2.hash_password(b"a calm long password").map(|hash| hash.to_string()).unwrap_or_default();
        let mut memory = new_memory();
        assert!(verify_now(b"a calm long password", &stored, &mut memory));
        assert_eq!(memory.len(), (Params::DEFAULT_M_COST * 2) as usize);
    }
}
