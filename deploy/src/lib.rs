//! One deployment path for the Dynamis suite.
//!
//! [`suite::deploy_suite`] uploads every contract, instantiates them in dependency order, wires
//! and locks them through a [`backend::Backend`], and returns the [`manifest::Manifest`] every
//! other tool reads. The embedded backend is drink's sandbox runtime ([`sandbox::Runtime`]) run
//! on its own thread ([`node::SandboxNode`]) and served to other processes by the
//! [`gateway`]: signed transactions with nonces and receipts, as on a node.
//!
//! The embedded backend is the `sandbox` feature (on by default): without it this crate is the
//! node backend, the gateway's client and the manifest, and links no sandbox runtime.

pub mod backend;
pub mod calls;
pub mod client;
pub mod dao;
pub mod devnode;
pub mod gateway;
pub mod hex;
pub mod link;
pub mod manifest;
#[cfg(feature = "sandbox")]
pub mod node;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod substrate;
pub mod suite;
pub mod tx;

pub use backend::{Backend, ChainInfo, Error};
pub use manifest::Manifest;
#[cfg(feature = "sandbox")]
pub use node::SandboxNode;
pub use suite::{deploy_suite, Plan};

use sp_core::sr25519;

/// A sandbox chain with the suite deployed, served over HTTP.
#[cfg(feature = "sandbox")]
pub struct Launched {
    pub manifest: Manifest,
    pub node: SandboxNode,
    /// The gateway's base URL.
    pub url: String,
    pub server: tokio::task::JoinHandle<()>,
}

/// Starts a sandbox chain producing a block every `block_time`, serves it on `listen`
/// (`127.0.0.1:0` picks a free port), and deploys the suite into it from `admin`.
#[cfg(feature = "sandbox")]
pub async fn launch_sandbox(
    listen: &str,
    block_time: std::time::Duration,
    admin: &sr25519::Pair,
    plan: &Plan,
) -> anyhow::Result<Launched> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let node = SandboxNode::start(block_time);
    let mut backend = backend::Sandbox {
        node: node.clone(),
        url: Some(url.clone()),
    };
    let (admin, plan) = (admin.clone(), plan.clone());
    let manifest =
        tokio::task::spawn_blocking(move || deploy_suite(&mut backend, &admin, &plan)).await??;
    let served = node.clone();
    let server = tokio::spawn(async move {
        if let Err(e) = gateway::serve(served, listener).await {
            tracing::error!("sandbox gateway stopped: {e}");
        }
    });
    Ok(Launched {
        manifest,
        node,
        url,
        server,
    })
}

/// Deploys the suite to the node at `url` (`ws://…`) from `admin`; unless the plan names a
/// salt, the best block's number salts the addresses.
pub async fn deploy_to_node(
    url: &str,
    admin: &sr25519::Pair,
    plan: &Plan,
) -> anyhow::Result<Manifest> {
    let mut backend = backend::Node::new(
        url,
        tx::account_of(admin),
        tokio::runtime::Handle::current(),
    );
    // Fails fast, with the URL, when no node answers.
    let block = backend.client.block().await?;
    let (admin, mut plan) = (admin.clone(), plan.clone());
    if plan.salt.is_empty() {
        // The node keeps every earlier deployment: a fresh salt gives fresh addresses.
        plan.salt = block.to_le_bytes().to_vec();
    }
    Ok(tokio::task::spawn_blocking(move || deploy_suite(&mut backend, &admin, &plan)).await??)
}
