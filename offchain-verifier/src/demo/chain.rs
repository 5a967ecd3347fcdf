//! The demo's chain: the suite deployed into the sandbox or onto a node, the verifiers
//! funded, and the manifest saved.

use super::*;

fn plan_of(opts: &Options, admin: &sp_core::sr25519::Pair) -> anyhow::Result<Plan> {
    let mut plan = Plan::dev(admin);
    let account = |suri| {
        signer(suri)
            .map(|p| account_of(&p))
            .map_err(anyhow::Error::msg)
    };
    plan.genesis = account(GENESIS_SURI)?;
    plan.council = account(COUNCIL_SURI)?;
    plan.resolver = account(RESOLVER_SURI)?;
    // Verifier 1 is the network's founder: seeded with governance's proposing reputation at
    // deployment (nobody could propose before attested work had built a score otherwise).
    plan.founders = vec![account(&verifier_suri(1))?];
    plan.attestations.epoch_blocks = opts.epoch_blocks;
    plan.attestations.challenge_window_blocks = opts.challenge_window;
    Ok(plan)
}

/// Native currency each verifier account gets on a node (fees and storage deposits): 1,000
/// UNIT of contracts-node (12 decimals).
const NODE_FUNDING: u128 = 1_000 * 1_000_000_000_000;

/// Gives each verifier account twice its bond in DYN from the genesis holder (and, on a node,
/// native currency).
async fn fund_verifiers<B: Backend + Send + 'static>(
    mut backend: B,
    genesis: sp_core::sr25519::Pair,
    token: [u8; 32],
    opts: &Options,
) -> anyhow::Result<()> {
    let amount = u128::from(opts.bond_dyn).saturating_mul(2 * bonding::ONE_DYN);
    let accounts: Vec<[u8; 32]> = (1..=opts.verifiers)
        .map(|i| signer(&verifier_suri(i)).map(|p| account_of(&p)))
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::msg)?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        for to in accounts {
            backend.fund(&genesis, to, NODE_FUNDING)?;
            let data = call_data(
                calls::token::TRANSFER,
                (calls::account(to), amount, Vec::<u8>::new()),
            );
            let receipt = backend.call(&genesis, token, data)?;
            outcome::<Result<(), dynamis_shared::PSP22Error>>(&receipt)
                .map_err(anyhow::Error::msg)?
                .map_err(|e| anyhow::anyhow!("funding a verifier: {e:?}"))?;
        }
        Ok(())
    })
    .await?
}

/// The demo's directory created; the deployer (`//Alice`).
fn prepare(opts: &Options) -> anyhow::Result<sp_core::sr25519::Pair> {
    std::fs::create_dir_all(&opts.dir)
        .with_context(|| format!("creating {}", opts.dir.display()))?;
    signer("//Alice").map_err(anyhow::Error::msg)
}

/// Writes the manifest into the demo's directory and funds the verifiers through `backend`.
async fn save_and_fund<B: Backend + Send + 'static>(
    opts: &Options,
    manifest: &Manifest,
    backend: B,
) -> anyhow::Result<()> {
    manifest.save(&opts.dir.join("deployment.json"))?;
    let token = manifest.address("dyn_token")?;
    let genesis = signer(GENESIS_SURI).map_err(anyhow::Error::msg)?;
    fund_verifiers(backend, genesis, token, opts).await
}

/// A sandbox chain with the suite, and each verifier's account funded with DYN to bond.
pub async fn chain_for(opts: &Options) -> anyhow::Result<Launched> {
    let admin = prepare(opts)?;
    let launched = launch_sandbox(
        "127.0.0.1:0",
        Duration::from_millis(opts.block_ms),
        &admin,
        &plan_of(opts, &admin)?,
    )
    .await
    .context("deploying the suite into the sandbox")?;
    let backend = Sandbox {
        node: launched.node.clone(),
        url: Some(launched.url.clone()),
    };
    save_and_fund(opts, &launched.manifest, backend).await?;
    Ok(launched)
}

/// The chain a demo runs on.
pub enum DemoChain {
    Sandbox(Launched),
    /// A node, and the task that keeps its blocks coming.
    Node {
        manifest: Manifest,
        url: String,
        ticker: tokio::task::JoinHandle<()>,
    },
}

impl DemoChain {
    pub fn manifest(&self) -> &Manifest {
        match self {
            Self::Sandbox(l) => &l.manifest,
            Self::Node { manifest, .. } => manifest,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sandbox(l) => &l.url,
            Self::Node { url, .. } => url,
        }
    }

    pub fn stop(self) {
        match self {
            Self::Sandbox(l) => l.server.abort(),
            Self::Node { ticker, .. } => ticker.abort(),
        }
    }
}

/// Keeps blocks coming on a node that seals one only when a transaction arrives (the dev
/// node's instant seal): a `System::remark` from `//Ferdie` every `period`, so challenge
/// windows close as they would on a chain with a block time.
pub fn node_ticker(url: &str, period: Duration) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let clock = signer("//Ferdie").map_err(anyhow::Error::msg)?;
    let node = dynamis_deploy::substrate::NodeClient::new(url);
    Ok(tokio::spawn(async move {
        loop {
            if let Err(e) = node.remark(&clock).await {
                tracing::debug!("block ticker: {e}");
            }
            tokio::time::sleep(period).await;
        }
    }))
}

/// The suite deployed to the node at `url`, each verifier funded, and a block ticker.
pub async fn node_chain_for(opts: &Options, url: &str) -> anyhow::Result<DemoChain> {
    let admin = prepare(opts)?;
    let manifest = deploy_to_node(url, &admin, &plan_of(opts, &admin)?)
        .await
        .with_context(|| format!("deploying the suite to the node at {url}"))?;
    let backend = dynamis_deploy::backend::Node::new(
        url,
        manifest.roles.genesis,
        tokio::runtime::Handle::current(),
    );
    save_and_fund(opts, &manifest, backend).await?;
    let ticker = node_ticker(url, Duration::from_millis(opts.block_ms.max(200)))?;
    Ok(DemoChain::Node {
        manifest,
        url: url.to_string(),
        ticker,
    })
}
