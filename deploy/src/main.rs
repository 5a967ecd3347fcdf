//! `dynamis-deploy`: deploys the suite and writes its manifest.
//!
//! `dynamis-deploy sandbox` deploys into a fresh in-process runtime and serves it (the gateway)
//! until stopped; `dynamis-deploy node --url ws://…` deploys to a node.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use dynamis_deploy::{
    deploy_to_node,
    tx::{account_arg, signer},
    Plan,
};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    version,
    about = "Deploys, wires and locks the Dynamis suite; writes its manifest"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Deployer (wiring admin; by default also genesis holder, council and resolver).
    #[arg(long, default_value = "//Alice")]
    suri: String,
    /// Account that receives the genesis supply (0x + 32 bytes of hex, or a dev URI such as
    /// //Bob); default: the deployer.
    #[arg(long, value_parser = account_arg)]
    genesis: Option<[u8; 32]>,
    /// The governance contract's council (cancels spam proposals); default: the deployer.
    #[arg(long, value_parser = account_arg)]
    council: Option<[u8; 32]>,
    /// Resolver: decides disputes, contests and mint challenges; default: the deployer.
    #[arg(long, value_parser = account_arg)]
    resolver: Option<[u8; 32]>,
    /// Seed this account with governance's proposing reputation before the reputation wiring
    /// is locked (repeatable; recorded in the manifest). Without a founder no one can propose
    /// until attested work has built a score (25 % and 7 active days by default).
    #[arg(long = "founder", value_parser = account_arg)]
    founders: Vec<[u8; 32]>,
    /// Where the manifest is written.
    #[arg(long, default_value = "deployment.json")]
    out: PathBuf,
    /// Directory with `<contract>/<contract>.wasm` (cargo contract build output).
    #[arg(long)]
    artifacts: Option<PathBuf>,
    /// Blocks per attestation epoch.
    #[arg(long)]
    epoch_blocks: Option<u32>,
    /// Blocks during which an attestation can be challenged.
    #[arg(long)]
    challenge_window: Option<u32>,
}

#[derive(Subcommand)]
enum Command {
    /// Deploys into a fresh sandbox runtime and serves it over HTTP until stopped.
    #[cfg(feature = "sandbox")]
    Sandbox {
        #[command(flatten)]
        common: Common,
        /// Address the gateway listens on.
        #[arg(long, default_value = "127.0.0.1:9944")]
        listen: String,
        /// Allow a `--listen` address other than loopback (the dev chain's reads then face
        /// the network; sending and moving time still answer loopback callers only).
        #[arg(long)]
        allow_remote: bool,
        /// Milliseconds per block (0: blocks move only through POST /advance).
        #[arg(long, default_value_t = 1000)]
        block_ms: u64,
    },
    /// Deploys to a node.
    Node {
        #[command(flatten)]
        common: Common,
        /// The node's WebSocket endpoint.
        #[arg(long, default_value = "ws://127.0.0.1:9944")]
        url: String,
    },
    /// The suite's everyday calls against a deployment (balance, transfer, approve, bond,
    /// unbond, withdraw, stake, attestation, slash, params, fund, native-balance, dao).
    #[command(flatten)]
    Call(dynamis_deploy::client::Call),
}

fn plan_of(common: &Common, admin: &sp_core::sr25519::Pair) -> Plan {
    let mut plan = Plan::dev(admin);
    if let Some(dir) = &common.artifacts {
        plan.artifacts = dir.clone();
    }
    plan.genesis = common.genesis.unwrap_or(plan.genesis);
    plan.council = common.council.unwrap_or(plan.council);
    plan.resolver = common.resolver.unwrap_or(plan.resolver);
    plan.founders = common.founders.clone();
    if let Some(n) = common.epoch_blocks {
        plan.attestations.epoch_blocks = n;
    }
    if let Some(n) = common.challenge_window {
        plan.attestations.challenge_window_blocks = n;
    }
    plan
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        #[cfg(feature = "sandbox")]
        Command::Sandbox {
            common,
            listen,
            allow_remote,
            block_ms,
        } => {
            dynamis_deploy::gateway::check_listen(&listen, allow_remote)
                .map_err(anyhow::Error::msg)?;
            let admin = signer(&common.suri).map_err(anyhow::Error::msg)?;
            let plan = plan_of(&common, &admin);
            let block_time = std::time::Duration::from_millis(block_ms);
            let launched = dynamis_deploy::launch_sandbox(&listen, block_time, &admin, &plan)
                .await
                .context("deploying into the sandbox")?;
            launched.manifest.save(&common.out)?;
            println!(
                "suite deployed into the sandbox at block {}; manifest {}; gateway {} (Ctrl-C stops it)",
                launched.manifest.block,
                common.out.display(),
                launched.url
            );
            tokio::signal::ctrl_c().await?;
            Ok(())
        }
        Command::Node { common, url } => {
            if !dynamis_deploy::link::is_node_url(&url) {
                bail!("--url must be a node's WebSocket endpoint (ws://… or wss://), not {url}");
            }
            let admin = signer(&common.suri).map_err(anyhow::Error::msg)?;
            let plan = plan_of(&common, &admin);
            let manifest = deploy_to_node(&url, &admin, &plan)
                .await
                .with_context(|| format!("deploying to the node at {url}"))?;
            manifest.save(&common.out)?;
            println!(
                "suite deployed to {url} at block {}; manifest {}",
                manifest.block,
                common.out.display()
            );
            Ok(())
        }
        Command::Call(call) => dynamis_deploy::client::run(call).await,
    }
}
