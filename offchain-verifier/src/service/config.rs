//! The service's configuration: a TOML file, every field defaulted, some overridable by flags.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP API listens on.
    pub listen: String,
    /// The redb file holding every accepted item and batch.
    pub store: PathBuf,
    /// The deployment manifest (`dynamis-deploy` writes it).
    pub manifest: PathBuf,
    /// Overrides the chain URL of the manifest: `http://…` a sandbox gateway, `ws://…` a node.
    pub chain_url: Option<String>,
    /// Secret URI of the account that signs transactions (sr25519).
    pub account_suri: String,
    /// Secret URI of the co-signing key registered in the attestations contract (secp256k1).
    pub key_suri: String,
    /// Regime the batches are attested in: ephemeral, session, anchored or permanent.
    pub regime: String,
    /// Base URLs of the peer verifiers asked to co-sign.
    pub peers: Vec<String>,
    /// DYN (whole tokens) bonded at start-up when the account has no verifier bond; 0: never.
    pub bond_dyn: u64,
    pub batch: BatchConfig,
    pub api: ApiConfig,
    pub watch: WatchConfig,
    pub retry: RetryConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchConfig {
    /// A batch closes when it has this many items…
    pub max_items: usize,
    /// …or when its oldest item has waited this long.
    pub max_wait_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// Larger bulk submissions are refused with 413.
    pub max_bulk_items: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchConfig {
    /// Items re-checked per attestation of another verifier.
    pub sample: usize,
    /// Pause between chain polls when there is nothing new.
    pub poll_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryConfig {
    /// First pause after a failed chain or peer call; doubled on each failure…
    pub initial_ms: u64,
    /// …up to this.
    pub max_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8101".into(),
            store: PathBuf::from("verifier.redb"),
            manifest: PathBuf::from("deployment.json"),
            chain_url: None,
            account_suri: "//Verifier1".into(),
            key_suri: "//Verifier1".into(),
            regime: "session".into(),
            peers: Vec::new(),
            bond_dyn: 1_000,
            batch: BatchConfig::default(),
            api: ApiConfig::default(),
            watch: WatchConfig::default(),
            retry: RetryConfig::default(),
        }
    }
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            max_items: 4_096,
            max_wait_ms: 2_000,
        }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 << 20,
            max_bulk_items: 50_000,
        }
    }
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            sample: 16,
            poll_ms: 1_000,
        }
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            initial_ms: 200,
            max_ms: 10_000,
        }
    }
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("config {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("config {}: {e}", path.display()))
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}
