//! The service's configuration: a TOML file, every field defaulted, some overridable by flags.

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variables that carry the keys (both or neither).
pub const ACCOUNT_ENV: &str = "DYNAMIS_ACCOUNT_SURI";
pub const KEY_ENV: &str = "DYNAMIS_KEY_SURI";
/// The API token clients show (`Authorization: Bearer …`); overrides the keystore's.
pub const TOKEN_ENV: &str = "DYNAMIS_API_TOKEN";

/// A secret URI (a phrase or a dev path, with derivations). Never printed: `Debug` shows only
/// that it is there.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(uri: impl Into<String>) -> Self {
        Self(uri.into())
    }

    /// The secret itself, for the key derivation only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The service's two secret keys: the sr25519 account that signs its transactions and the
/// secp256k1 key it co-signs attestations with (registered in the attestations contract).
/// As a keystore file: TOML with `account_suri` and `key_suri`, mode 0600.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    pub account_suri: Secret,
    pub key_suri: Secret,
    /// The token clients of the intake and audit routes must show; without one, those routes
    /// answer loopback callers only.
    #[serde(default)]
    pub api_token: Option<Secret>,
}

impl Keys {
    /// Both keys from one secret URI (the demo's and the tests' dev keys).
    pub fn same(uri: &str) -> Self {
        Self {
            account_suri: Secret::new(uri),
            key_suri: Secret::new(uri),
            api_token: None,
        }
    }

    /// Fresh keys from new 12-word phrases.
    pub fn generate() -> Self {
        use sp_core::Pair;
        let (_, account, _) = sp_core::sr25519::Pair::generate_with_phrase(None);
        let (_, key, _) = sp_core::ecdsa::Pair::generate_with_phrase(None);
        let token: [u8; 32] = rand::random();
        Self {
            account_suri: Secret::new(account),
            key_suri: Secret::new(key),
            api_token: Some(Secret::new(hex::encode(token))),
        }
    }

    /// Reads a keystore file, refusing one that others than its owner may read or write.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let meta =
            std::fs::metadata(path).with_context(|| format!("keystore {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                bail!(
                    "keystore {}: mode {mode:o} lets others read it; `chmod 600` it (and consider the keys exposed)",
                    path.display()
                );
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("keystore {}", path.display()))?;
        // toml's own error quotes the offending line, which may hold a secret: not shown.
        toml::from_str(&text).map_err(|_| {
            anyhow::anyhow!(
                "keystore {}: not a keystore (TOML with the strings account_suri and key_suri, and optionally api_token, nothing else)",
                path.display()
            )
        })
    }

    /// Writes a new keystore file, readable by its owner only; an existing file is kept.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(path)
            .with_context(|| format!("creating keystore {}", path.display()))?;
        let quoted = |s: &Secret| toml::Value::String(s.expose().to_string()).to_string();
        let mut text = format!(
            "# dynamis-verifier keystore: keep it private (mode 0600)\naccount_suri = {}\nkey_suri = {}\n",
            quoted(&self.account_suri),
            quoted(&self.key_suri)
        );
        if let Some(token) = &self.api_token {
            text.push_str(&format!("api_token = {}\n", quoted(token)));
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(())
    }
}

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
    /// The keystore file holding the two secret keys (see [`Keys`]); the environment's
    /// `DYNAMIS_ACCOUNT_SURI` and `DYNAMIS_KEY_SURI` take precedence over it. No secret is
    /// ever read from or written to this configuration, and there is no default key.
    pub keystore: Option<PathBuf>,
    /// Keys handed over in-process (the demo and the tests): never in the TOML.
    #[serde(skip)]
    pub keys: Option<Keys>,
    /// Regime the batches are attested in: ephemeral, session, anchored or permanent.
    pub regime: String,
    /// Base URLs of the peer verifiers asked to co-sign: `http://…`, or `https://…` for a peer
    /// behind TLS (checked against the system's roots and `peer_ca`).
    pub peers: Vec<String>,
    /// A PEM file of further root certificates trusted for `https://` peers (a private CA).
    pub peer_ca: Option<PathBuf>,
    /// DYN (whole tokens) bonded at start-up when the account has no verifier bond; 0: never.
    pub bond_dyn: u64,
    pub batch: BatchConfig,
    pub api: ApiConfig,
    pub watch: WatchConfig,
    pub retry: RetryConfig,
    pub retain: RetainConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetainConfig {
    /// Finished batches older than this lose their items (rows and counts stay).
    pub final_ms: u64,
    /// How often the pruner runs.
    pub every_ms: u64,
}

impl Default for RetainConfig {
    fn default() -> Self {
        Self {
            // 30 days: far beyond every challenge window and answer period.
            final_ms: 30 * 24 * 3_600_000,
            every_ms: 60_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchConfig {
    /// A batch closes when it has this many items…
    pub max_items: usize,
    /// …or when its oldest item has waited this long…
    pub max_wait_ms: u64,
    /// …and before its items' encodings pass this many bytes, so that the co-signing request
    /// (SCALE: the items and a few fields) always fits a peer's `max_body_bytes`.
    pub max_bytes: usize,
    /// Only as many peers are asked to co-sign as their stakes need; when none of them has
    /// answered after this long, one more is asked (a hedge against a slow peer).
    pub cosign_hedge_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// Larger bulk submissions are refused with 413.
    pub max_bulk_items: usize,
    /// A request not answered within this (its body read included) gets 408.
    pub timeout_ms: u64,
    /// Requests served at once, per route; one more gets 503 with `Retry-After`.
    pub max_concurrent: usize,
    /// Items waiting for a batch above which intake answers 429 with `Retry-After`.
    pub max_queue: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchConfig {
    /// The fewest items re-checked per attestation of another verifier.
    pub sample: usize,
    /// The chance (parts per million) that the watchers together find one forged item in a
    /// batch: each re-checks enough items for it (`watch::sample_size`).
    pub detect_ppm: u32,
    /// How many independent watchers that chance counts on (this one included).
    pub watchers: u32,
    /// Pause between chain polls when there is nothing new.
    pub poll_ms: u64,
    /// A peer's batch data not received within this counts as withheld (tried again later).
    pub fetch_timeout_ms: u64,
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
            keystore: None,
            keys: None,
            regime: "session".into(),
            peers: Vec::new(),
            peer_ca: None,
            bond_dyn: 1_000,
            batch: BatchConfig::default(),
            api: ApiConfig::default(),
            watch: WatchConfig::default(),
            retry: RetryConfig::default(),
            retain: RetainConfig::default(),
        }
    }
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            max_items: 4_096,
            max_wait_ms: 2_000,
            max_bytes: 8 << 20,
            cosign_hedge_ms: 1_000,
        }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 << 20,
            max_bulk_items: 50_000,
            timeout_ms: 30_000,
            max_concurrent: 64,
            max_queue: 200_000,
        }
    }
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            sample: 16,
            detect_ppm: 990_000,
            watchers: 1,
            poll_ms: 1_000,
            fetch_timeout_ms: 10_000,
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
        // The message and its line, not toml's quote of the line (which could hold a secret
        // put there by mistake).
        toml::from_str(&text).map_err(|e: toml::de::Error| {
            let line = e.span().map(|span| {
                text.get(..span.start)
                    .map_or(0, |before| before.matches('\n').count())
                    + 1
            });
            match line {
                Some(line) => {
                    anyhow::anyhow!("config {} line {line}: {}", path.display(), e.message())
                }
                None => anyhow::anyhow!("config {}: {}", path.display(), e.message()),
            }
        })
    }

    /// The configuration as TOML: never a secret (the keys are not part of it).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The keys: in-process ones, else the environment's, else the keystore file's.
    pub fn keys(&self) -> anyhow::Result<Keys> {
        if let Some(keys) = &self.keys {
            return Ok(keys.clone());
        }
        match (std::env::var(ACCOUNT_ENV), std::env::var(KEY_ENV)) {
            (Ok(account), Ok(key)) => {
                return Ok(Keys {
                    account_suri: Secret::new(account),
                    key_suri: Secret::new(key),
                    api_token: std::env::var(TOKEN_ENV).ok().map(Secret::new),
                })
            }
            (Err(_), Err(_)) => {}
            _ => bail!("{ACCOUNT_ENV} and {KEY_ENV} go together: one of them is not set"),
        }
        match &self.keystore {
            Some(path) => Keys::load(path).map(|mut keys| {
                if let Ok(token) = std::env::var(TOKEN_ENV) {
                    keys.api_token = Some(Secret::new(token));
                }
                keys
            }),
            None => bail!(
                "no keys: set keystore = \"FILE\" in the configuration (`dynamis-verifier keystore --out FILE` writes one), or {ACCOUNT_ENV} and {KEY_ENV}"
            ),
        }
    }
}
