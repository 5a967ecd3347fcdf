//! `serve`: the verifier as a long-running service. Items come in over HTTP and are stored
//! durably before they are acknowledged; batches close on size or age, are verified, co-signed
//! by peer verifiers over HTTP, submitted exactly once, and finalised; other verifiers'
//! attestations are sampled and fraud is challenged.

pub mod api;
pub mod auth;
pub mod chain;
pub mod clock;
pub mod config;
pub mod failpoint;
pub mod intake;
pub mod metrics;
pub mod pipeline;
pub mod retry;
pub mod store;
pub mod watch;
pub mod wire;

pub use config::{Config, Keys, Secret};

use dynamis_deploy::{tx::signer, Manifest};
use sp_core::{ecdsa, Pair};
use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{atomic::AtomicBool, Arc},
};
use tokio::sync::{Mutex, Notify};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The client peers are asked with: `https://` peers checked against the system's roots and
/// the PEM bundle `peer_ca`.
pub fn peer_client(peer_ca: Option<&std::path::Path>) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60));
    if let Some(path) = peer_ca {
        let pem =
            std::fs::read(path).map_err(|e| anyhow::anyhow!("peer_ca {}: {e}", path.display()))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| anyhow::anyhow!("peer_ca {}: {e}", path.display()))?;
        anyhow::ensure!(
            !roots.is_empty(),
            "peer_ca {}: no certificate in it",
            path.display()
        );
        for root in roots {
            builder = builder.add_root_certificate(root);
        }
    }
    Ok(builder.build()?)
}

pub fn parse_regime(name: &str) -> Result<dynamis_proofs::Regime, String> {
    use dynamis_proofs::Regime;
    match name {
        "ephemeral" => Ok(Regime::Ephemeral),
        "session" => Ok(Regime::Session),
        "anchored" => Ok(Regime::Anchored),
        "permanent" => Ok(Regime::Permanent),
        other => Err(format!(
            "regime {other:?}: expected ephemeral, session, anchored or permanent"
        )),
    }
}

/// Everything the service's tasks share.
pub struct Service {
    pub config: Config,
    pub store: store::Store,
    pub metrics: metrics::Metrics,
    pub chain: chain::Contracts,
    /// The co-signing key registered in the attestations contract.
    pub key: ecdsa::Pair,
    /// The token clients of the intake and audit routes show (none: loopback callers only).
    pub token: Option<Secret>,
    pub regime: dynamis_proofs::Regime,
    /// Wakes the batcher when items arrive.
    pub intake: Notify,
    /// Accepted items on their way to the group commit ([`intake::committer`]).
    pub intake_queue: tokio::sync::mpsc::Sender<intake::Request>,
    /// Wakes the driver when a batch closes.
    pub driver_wake: Notify,
    /// Bonded and key registered on-chain.
    pub onboarded: AtomicBool,
    pub http: reqwest::Client,
    /// Peers' chain accounts → base URLs, learnt from their `/health`.
    pub peer_accounts: Mutex<HashMap<[u8; 32], String>>,
}

/// A started service.
pub struct Running {
    pub addr: SocketAddr,
    pub service: Arc<Service>,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops the service's tasks (its store stays as it is on disk).
    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// The chain account and the co-signing key of `keys`.
fn pairs(keys: &Keys) -> anyhow::Result<(sp_core::sr25519::Pair, ecdsa::Pair)> {
    let account =
        signer(keys.account_suri.expose()).map_err(|e| anyhow::anyhow!("account_suri: {e}"))?;
    let key = ecdsa::Pair::from_string(keys.key_suri.expose(), None)
        .map_err(|e| anyhow::anyhow!("key_suri: {e:?}"))?;
    Ok((account, key))
}

/// Registers the co-signing key of `config`'s keys for its account, as the service does when
/// it starts (`dynamis-verifier register-key`, for an operator who does it beforehand); false
/// when it is registered already.
pub async fn register_key(config: &Config) -> anyhow::Result<bool> {
    let manifest = Manifest::load(&config.manifest)?;
    let url = chain::Contracts::url_of(config, &manifest)?;
    let (account, key) = pairs(&config.keys()?)?;
    chain::Contracts::new(&manifest, &url, account)?
        .register_key(&key)
        .await
}

/// Opens the store, connects to the chain named by the manifest, and starts the API (on
/// `listener`), the batcher, the driver and the watcher.
pub async fn start(config: Config, listener: tokio::net::TcpListener) -> anyhow::Result<Running> {
    let manifest = Manifest::load(&config.manifest)?;
    let url = chain::Contracts::url_of(&config, &manifest)?;
    // A peer with the same limits must be able to take this service's co-signing requests.
    let framing = 1_024usize.saturating_add(config.batch.max_items.saturating_mul(5));
    anyhow::ensure!(
        config.batch.max_bytes.saturating_add(framing) <= config.api.max_body_bytes,
        "batch.max_bytes ({}) and the co-signing request's framing ({framing}) exceed api.max_body_bytes ({}): a request would not fit a peer's limit",
        config.batch.max_bytes,
        config.api.max_body_bytes
    );
    let keys = config.keys()?;
    let (account, key) = pairs(&keys)?;
    let regime = parse_regime(&config.regime).map_err(anyhow::Error::msg)?;
    let store = {
        let path = config.store.clone();
        tokio::task::spawn_blocking(move || store::Store::open(&path)).await??
    };
    let chain = chain::Contracts::new(&manifest, &url, account)?;
    let http = peer_client(config.peer_ca.as_deref())?;
    let (intake_queue, intake_requests) = intake::channel();
    let service = Arc::new(Service {
        config,
        store,
        metrics: metrics::Metrics::default(),
        chain,
        key,
        token: keys.api_token.clone(),
        regime,
        intake: Notify::new(),
        intake_queue,
        driver_wake: Notify::new(),
        onboarded: AtomicBool::new(false),
        http,
        peer_accounts: Mutex::new(HashMap::new()),
    });
    let addr = listener.local_addr()?;
    let router = api::router(service.clone());
    let mut tasks = vec![tokio::spawn(async move {
        let app = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("API stopped: {e}");
        }
    })];
    tasks.push(tokio::spawn(intake::committer(
        service.clone(),
        intake_requests,
    )));
    tasks.push(tokio::spawn(pipeline::batcher(service.clone())));
    tasks.push(tokio::spawn(pipeline::driver(service.clone())));
    tasks.push(tokio::spawn(watch::watcher(service.clone())));
    tasks.push(tokio::spawn(pipeline::pruner(service.clone())));
    tracing::info!(%addr, account = %dynamis_deploy::hex::encode(service.chain.me), "verifier serving");
    Ok(Running {
        addr,
        service,
        tasks,
    })
}
