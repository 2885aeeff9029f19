//! Settings: built-in defaults, then `kindred.toml`, then `KINDRED_*`
//! environment variables, the later winning. Defaults run out of the box.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub addr: String,
    /// `sqlite://PATH` (or a bare path) or `postgres://...`.
    pub database_url: String,
    /// The address members use; decides the CSRF origin and cookie security.
    /// Defaults to `http://` + the bound address.
    pub public_url: Option<String>,
    /// The instance's name, shown to members.
    pub instance_name: String,
    /// A TOML file (`version`, `text`) replacing the shipped guidelines.
    pub guidelines_file: Option<PathBuf>,
    /// A TOML file (`version`, `text`) replacing the shipped consent text.
    pub health_data_consent_file: Option<PathBuf>,
    /// How long a session lives without being used (sliding).
    pub session_ttl_seconds: u64,
    /// Deepest reply allowed; the first post of a thread is depth 0.
    pub max_reply_depth: i32,
    /// Connections in the read pool.
    pub database_pool_size: u32,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://./data/kindred.db".into(),
            public_url: None,
            instance_name: "Kindred".into(),
            guidelines_file: None,
            health_data_consent_file: None,
            session_ttl_seconds: 30 * 24 * 60 * 60,
            max_reply_depth: 10,
            database_pool_size: 8,
            log_format: LogFormat::Pretty,
        }
    }
}

impl Settings {
    /// Loads the settings; `config_file` overrides the default `kindred.toml`
    /// (a named file must exist; the default one is optional).
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) if !path.exists() => {
                anyhow::bail!("the configuration file {} does not exist", path.display())
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("kindred.toml")),
        }
        figment = figment.merge(Env::prefixed("KINDRED_").ignore(&["config", "test_postgres_url"]));
        figment.extract().map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))
    }
}
