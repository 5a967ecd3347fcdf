//! The main job: the suite deployed into the sandbox, a cluster of verifier services
//! co-signing each other's batches, a generated workload with forged items, attestations
//! finalised, and one planted fraudulent attestation proven on-chain.

use crate::{
    attest,
    gen::Generator,
    input::to_json,
    progress,
    service::{
        self,
        chain::{outcome, AttestationError, Contracts, Status},
        store::Stats,
        wire::{AuditReport, BatchData, BulkAccepted, Health},
        Config, Keys, Running,
    },
    verify::verify_all,
    Batch, Kind, Verdict,
};
use anyhow::{bail, Context};
use dynamis_deploy::{
    backend::{Backend, Sandbox},
    calls::{self, call_data},
    deploy_to_node, launch_sandbox,
    tx::{account_of, signer},
    Launched, Manifest, Plan,
};
use indicatif::ProgressBar;
use sp_core::Pair;
use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

/// The demo's knobs.
#[derive(Debug, Clone)]
pub struct Options {
    pub verifiers: u8,
    pub items: u64,
    /// Fraction of forged items in the workload.
    pub bad: f64,
    pub seed: u64,
    pub batch_items: usize,
    pub batch_wait_ms: u64,
    pub block_ms: u64,
    pub epoch_blocks: u32,
    pub challenge_window: u32,
    /// DYN each verifier bonds.
    pub bond_dyn: u64,
    /// Where stores, configurations and the manifest go.
    pub dir: PathBuf,
    /// A node's `ws://…` endpoint to run against instead of the sandbox.
    pub url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            verifiers: 3,
            items: 20_000,
            bad: 0.02,
            seed: 7,
            batch_items: 2_048,
            batch_wait_ms: 500,
            block_ms: 50,
            epoch_blocks: 1_200,
            challenge_window: 20,
            bond_dyn: 1_000,
            dir: std::env::temp_dir().join("dynamis-demo"),
            url: None,
        }
    }
}

/// Verifier `i`'s secret URI (its chain account and co-signing key both derive from it).
pub fn verifier_suri(i: u8) -> String {
    format!("//Verifier{i}")
}

/// A configuration for verifier `i` of a local cluster.
pub fn verifier_config(opts: &Options, i: u8, listen: String, peers: Vec<String>) -> Config {
    let mut config = Config {
        listen,
        store: opts.dir.join(format!("verifier-{i}.redb")),
        manifest: opts.dir.join("deployment.json"),
        keys: Some(Keys::same(&verifier_suri(i))),
        peers,
        bond_dyn: opts.bond_dyn,
        ..Config::default()
    };
    config.batch.max_items = opts.batch_items;
    config.batch.max_wait_ms = opts.batch_wait_ms;
    config.watch.poll_ms = 200;
    config.retry.max_ms = 2_000;
    config
}

/// The demo's roles, each its own dev key: `//Alice` deploys and wires, `//Bob` holds the
/// genesis supply (and funds the verifiers), `//Charlie` is governance, `//Dave` the resolver.
pub const GENESIS_SURI: &str = "//Bob";
const COUNCIL_SURI: &str = "//Charlie";
const RESOLVER_SURI: &str = "//Dave";

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

/// Binds `n` local listeners; their base URLs.
pub async fn listeners(n: u8) -> anyhow::Result<(Vec<tokio::net::TcpListener>, Vec<String>)> {
    let mut bound = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..n {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        urls.push(format!("http://{}", l.local_addr()?));
        bound.push(l);
    }
    Ok((bound, urls))
}

/// The peers of verifier `i` (1-based) among `urls`.
pub fn peers_of(urls: &[String], i: u8) -> Vec<String> {
    urls.iter()
        .enumerate()
        .filter(|(j, _)| *j + 1 != usize::from(i))
        .map(|(_, u)| u.clone())
        .collect()
}

pub async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: String,
) -> anyhow::Result<T> {
    let r = http.get(&url).send().await?;
    if !r.status().is_success() {
        bail!(
            "GET {url}: {}: {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
    }
    Ok(r.json().await?)
}

/// Waits until every service has bonded and registered its key.
pub async fn await_onboarded(http: &reqwest::Client, urls: &[String]) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    for url in urls {
        loop {
            let health: Result<Health, _> = get_json(http, format!("{url}/health")).await;
            if health.map(|h| h.registered).unwrap_or(false) {
                break;
            }
            if Instant::now() > deadline {
                bail!("{url} did not register its key within two minutes");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

/// Posts items `0..total` of `gen` to the services in turn (bulk, JSON lines); how many were
/// new (the rest were duplicates of items already stored).
pub async fn feed(
    http: &reqwest::Client,
    urls: &[String],
    gen: &Generator,
    total: u64,
    chunk: u64,
    progress: &ProgressBar,
) -> anyhow::Result<u64> {
    let mut accepted = 0;
    let mut start = 0;
    let mut turn = 0;
    while start < total {
        let end = (start + chunk).min(total);
        let body: String = (start..end)
            .map(|n| to_json(&gen.item(n).0) + "\n")
            .collect();
        let url = &urls[turn % urls.len()];
        let r = http
            .post(format!("{url}/items/bulk"))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!(
                "{url} refused a bulk of items: {}",
                r.text().await.unwrap_or_default()
            );
        }
        let answer: BulkAccepted = r.json().await?;
        accepted += answer.accepted as u64;
        progress.inc(end - start);
        start = end;
        turn += 1;
    }
    Ok(accepted)
}

/// Sums the services' item counts.
pub async fn stats(http: &reqwest::Client, urls: &[String]) -> anyhow::Result<Stats> {
    let mut total = Stats::default();
    for url in urls {
        let s: Stats = get_json(http, format!("{url}/stats")).await?;
        total.queued += s.queued;
        total.verified += s.verified;
        total.sent += s.sent;
        total.attested += s.attested;
        total.r#final += s.r#final;
        total.rejected += s.rejected;
        total.failed += s.failed;
        total.batches += s.batches;
        total.cosigned += s.cosigned;
    }
    Ok(total)
}

/// Plants an attestation of a batch with one forged hash chain marked valid, co-signed by
/// compromised verifiers `signers` and submitted by the last of them; its id and data.
async fn plant_fraud(
    manifest: &Path,
    signers: &[u8],
    seed: u64,
) -> anyhow::Result<(u64, BatchData)> {
    let kinds = [Kind::HashChain];
    let honest = Generator::new(seed, &kinds, 0.0);
    let forged = Generator::new(seed ^ 0xbad, &kinds, 1.0);
    let mut items: Vec<_> = (0..31).map(|n| honest.item(n).0).collect();
    items.insert(17, forged.item(0).0);
    let mut verdicts = verify_all(&items);
    if verdicts[17] != Verdict::Invalid {
        bail!("the forged item verified valid");
    }
    verdicts[17] = Verdict::Valid;
    let batch = Batch::with_verdicts(items, verdicts);
    let manifest = dynamis_deploy::Manifest::load(manifest)?;
    let url = manifest.chain.url.clone().context("manifest without URL")?;
    let last = *signers.last().context("no signers")?;
    let submitter = signer(&verifier_suri(last)).map_err(anyhow::Error::msg)?;
    let chain = Contracts::new(&manifest, &url, submitter)?;
    let attestation = batch.attestation(
        chain.current_epoch().await?,
        dynamis_proofs::Regime::Session,
    );
    let mut signatures = Vec::new();
    for i in signers {
        let key = sp_core::ecdsa::Pair::from_string(&verifier_suri(*i), None)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        signatures.push(attest::sign(&key, &chain.attestations, &attestation));
    }
    let receipt = chain
        .transact(
            chain.attestations,
            call_data(calls::attestations::SUBMIT, (attestation, signatures)),
            |_| Ok(()),
        )
        .await?;
    let id = match outcome::<Result<u64, AttestationError>>(&receipt) {
        Ok(id) => id.map_err(|e| anyhow::anyhow!("planting the fraudulent attestation: {e:?}"))?,
        // A node's receipt that cannot replay the id: the registry knows it.
        Err(why) => chain
            .id_of_root(batch.root())
            .await?
            .with_context(|| format!("the planted attestation is not on chain: {why}"))?,
    };
    let data = BatchData {
        root: batch.root(),
        encoded: batch
            .items
            .iter()
            .map(|i| dynamis_deploy::hex::encode(scale::Encode::encode(i)))
            .collect(),
        valid: batch
            .verdicts
            .iter()
            .map(|v| *v == Verdict::Valid)
            .collect(),
    };
    Ok((id, data))
}

/// The most verifier services the demo starts (each its own store, key and port).
pub const MAX_VERIFIERS: u8 = 16;

/// Options the flow cannot run with, refused before anything starts.
pub fn check(opts: &Options) -> anyhow::Result<()> {
    if !(3..=MAX_VERIFIERS).contains(&opts.verifiers) {
        bail!(
            "--verifiers must be between 3 and {MAX_VERIFIERS}, not {}: the planted fraud is \
             co-signed by verifiers 2 to N, who must hold two thirds of the bonded weight \
             without verifier 1",
            opts.verifiers
        );
    }
    if !(0.0..=1.0).contains(&opts.bad) {
        bail!("--bad must be between 0 and 1, not {}", opts.bad);
    }
    Ok(())
}

/// Runs the whole flow and prints what happened.
pub async fn run(opts: Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    check(&opts)?;
    if opts.dir.exists() {
        std::fs::remove_dir_all(&opts.dir)
            .with_context(|| format!("clearing {}", opts.dir.display()))?;
    }
    let chain = match &opts.url {
        None => {
            println!("deploying the suite into the sandbox runtime…");
            DemoChain::Sandbox(chain_for(&opts).await?)
        }
        Some(url) => {
            println!("deploying the suite to the node at {url}…");
            node_chain_for(&opts, url).await?
        }
    };
    println!(
        "  {} contracts at block {}; {} {}; manifest {}",
        chain.manifest().contracts.len(),
        chain.manifest().block,
        chain.manifest().chain.kind,
        chain.url(),
        opts.dir.join("deployment.json").display()
    );
    let (bound, urls) = listeners(opts.verifiers).await?;
    let mut running: Vec<Running> = Vec::new();
    for (i, listener) in (1..=opts.verifiers).zip(bound) {
        let config = verifier_config(
            &opts,
            i,
            urls[usize::from(i) - 1].clone(),
            peers_of(&urls, i),
        );
        running.push(service::start(config, listener).await?);
    }
    let http = reqwest::Client::new();
    await_onboarded(&http, &urls).await?;
    println!(
        "{} verifiers bonded {} DYN each and registered their keys; serving at {}",
        opts.verifiers,
        opts.bond_dyn,
        urls.join(", ")
    );

    let gen = Generator::new(opts.seed, &Kind::ALL, opts.bad);
    let progress = progress::bar(opts.items, "accepted");
    let accepted = feed(&http, &urls, &gen, opts.items, 1_000, &progress).await?;
    progress.finish();
    println!(
        "{} items posted: {accepted} accepted, {} duplicates (the generator repeats some inclusion claims) acknowledged once",
        opts.items,
        opts.items - accepted
    );

    let progress = progress::bar(accepted, "final");
    let deadline = Instant::now() + Duration::from_secs(600);
    let totals = loop {
        let s = stats(&http, &urls).await?;
        progress.set_position(s.r#final);
        if s.r#final + s.rejected + s.failed >= accepted {
            break s;
        }
        if Instant::now() > deadline {
            bail!("not final within ten minutes: {s:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    progress.finish();

    println!("planting a fraudulent attestation (a forged hash chain marked valid, co-signed by verifiers 2 and 3)…");
    let manifest_path = opts.dir.join("deployment.json");
    let signers: Vec<u8> = (2..=opts.verifiers).collect();
    let (fraud_id, data) = plant_fraud(&manifest_path, &signers, opts.seed).await?;
    let audit: AuditReport = {
        let r = http
            .post(format!("{}/audit", urls[0]))
            .json(&serde_json::json!({
                "attestation": fraud_id,
                "root": dynamis_deploy::hex::encode(data.root),
                "encoded": data.encoded,
                "valid": data.valid,
            }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("audit refused: {}", r.text().await.unwrap_or_default());
        }
        r.json().await?
    };
    println!(
        "  verifier 1 audited attestation {fraud_id}: {} items checked, fraud at index {:?}, challenge {}",
        audit.checked,
        audit.fraud_at,
        audit.challenge.as_deref().unwrap_or("not sent")
    );

    let mut report = summary(&opts, &running[0], &urls, totals, accepted).await?;
    report.audit = Some(audit);
    for r in running {
        r.stop();
    }
    report.governance = match &chain {
        DemoChain::Sandbox(_) => Some(governance_round(&opts).await?),
        DemoChain::Node { .. } => {
            println!(
                "governance    skipped on a node: a proposal needs 12 days of chain time (the \
                 sandbox moves its clock; a node's clock is its own)"
            );
            None
        }
    };
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    chain.stop();
    Ok(report)
}

/// What the demo's governance round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovernanceRound {
    pub proposal: u32,
    pub state: Option<governance::State>,
    /// attestations' `success_gain` and reputation's `max_gain_per_success`, before and after.
    pub before: (u32, u32),
    pub after: (u32, u32),
}

/// The new value the round proposes for both gains.
pub const PROPOSED_GAIN: u32 = 6_000;

/// A parameter proposal end to end on the sandbox, through the same calls as
/// `dynamis-deploy dao …`: the genesis holder bonds 100 DYN and locks 4 M DYN (2,000 √DYN:
/// the parameter class's quorum), the clock moves a week (the voting gate's bond age);
/// verifier 1 (the founder) proposes raising the reputation a final attestation earns its
/// co-signers from 5,000 to 6,000 (attestations' gain and reputation's per-success cap: one
/// proposal, two actions); everyone votes for; it is queued after 3 days of voting and
/// executed after the 1-day timelock.
async fn governance_round(opts: &Options) -> anyhow::Result<GovernanceRound> {
    use dynamis_deploy::{
        client::{self, Call, Target},
        dao::{self, Dao},
    };
    let target = |suri: &str| Target {
        manifest: opts.dir.join("deployment.json"),
        url: None,
        suri: Some(suri.to_string()),
    };
    let gains = |manifest: &Manifest| -> anyhow::Result<(Contracts, [u8; 32], [u8; 32])> {
        let url = manifest.chain.url.clone().context("manifest without URL")?;
        let me = signer(GENESIS_SURI).map_err(anyhow::Error::msg)?;
        let chain = Contracts::new(manifest, &url, me)?;
        Ok((
            chain,
            manifest.address("attestations")?,
            manifest.address("reputation")?,
        ))
    };
    let manifest = Manifest::load(&opts.dir.join("deployment.json"))?;
    let (chain, att, rep) = gains(&manifest)?;
    let read = || async {
        let a: attestations::Params = chain.query(att, calls::attestations::PARAMS, ()).await?;
        let r: reputation::Params = chain.query(rep, calls::reputation::PARAMS, ()).await?;
        anyhow::Ok((a.success_gain, r.max_gain_per_success))
    };
    let before = read().await?;
    println!();
    println!("governance: a parameter proposal end to end, with dynamis-deploy dao's calls…");
    let wait = |days: u64, hours: u64| Dao::Wait {
        days,
        hours,
        target: target(GENESIS_SURI),
    };
    let dao_call = |call: Dao| async move {
        dao::run(call).await?;
        anyhow::Ok(())
    };
    client::run(Call::Bond {
        role: "sentry".into(),
        amount: 100,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(Dao::Lock {
        amount: 4_000_000,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(wait(7, 1)).await?;
    let founder = verifier_suri(1);
    let next: u32 = chain
        .query(manifest.address("governance")?, calls::governance::NEXT_ID, ())
        .await?;
    dao_call(Dao::Propose {
        set: vec![
            format!("attestations.success_gain={PROPOSED_GAIN}"),
            format!("reputation.max_gain_per_success={PROPOSED_GAIN}"),
        ],
        pay: None,
        amount: 0,
        council: None,
        upgrade: None,
        resolver: None,
        text: "Co-signers of a final attestation earn 6,000 reputation, not 5,000".into(),
        target: target(&founder),
    })
    .await?;
    dao_call(wait(1, 1)).await?;
    let mut voters = vec![GENESIS_SURI.to_string()];
    voters.extend((1..=opts.verifiers).map(verifier_suri));
    for voter in &voters {
        dao_call(Dao::Vote {
            id: next,
            support: "for".into(),
            target: target(voter),
        })
        .await?;
    }
    dao_call(wait(3, 1)).await?;
    dao_call(Dao::Queue {
        id: next,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(wait(1, 1)).await?;
    dao_call(Dao::Execute {
        id: next,
        target: target(GENESIS_SURI),
    })
    .await?;
    let state: Option<governance::State> = chain
        .query(manifest.address("governance")?, calls::governance::STATE, next)
        .await?;
    let after = read().await?;
    println!(
        "governance    proposal {next} {state:?}: attestations.success_gain {} → {}, reputation.max_gain_per_success {} → {}",
        before.0, after.0, before.1, after.1
    );
    Ok(GovernanceRound {
        proposal: next,
        state,
        before,
        after,
    })
}

/// What a demo run did, as read back from the services and the chain.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Distinct items the services acknowledged.
    pub accepted: u64,
    /// Items in attestations that became final.
    pub final_items: u64,
    pub valid_items: u64,
    /// Acknowledged items not final at the end.
    pub lost: u64,
    pub attestations: u64,
    pub attestations_final: u64,
    pub attestations_rejected: u64,
    pub attestations_pending: u64,
    /// Verifier 1's audit of the planted fraud.
    pub audit: Option<AuditReport>,
    /// Slashes pending in bonding.
    pub slashes: u64,
    /// The governance round (sandbox only).
    pub governance: Option<GovernanceRound>,
    /// Per verifier, in order: the µPower its final attestations spent and the Flux (base
    /// units) they minted to it.
    pub power: Vec<(u128, u128)>,
}

async fn summary(
    opts: &Options,
    first: &Running,
    urls: &[String],
    totals: Stats,
    accepted: u64,
) -> anyhow::Result<Report> {
    let chain = &first.service.chain;
    let (mut final_, mut rejected, mut other) = (0u64, 0u64, 0u64);
    let (mut items, mut valid) = (0u64, 0u64);
    let mut id = 0;
    while let Some(record) = chain.attestation(id).await? {
        match record.status {
            Status::Final => {
                final_ += 1;
                items += record.items;
                valid += record.valid.iter().sum::<u64>();
            }
            Status::Rejected | Status::Contested => rejected += 1,
            Status::Pending => other += 1,
        }
        id += 1;
    }
    println!();
    println!(
        "items         {accepted} accepted, {} final: {valid} valid, {} invalid (forged items caught); {} lost",
        totals.r#final,
        items - valid,
        accepted.saturating_sub(totals.r#final)
    );
    println!("attestations  {id} on chain: {final_} final, {rejected} rejected (the planted fraud), {other} pending");
    let epoch = chain.current_epoch().await?;
    let manifest = Manifest::load(&opts.dir.join("deployment.json"))?;
    let power_flux = manifest.address("power_flux")?;
    let mut power = Vec::new();
    for i in 1..=opts.verifiers {
        let who = account_of(&signer(&verifier_suri(i)).map_err(anyhow::Error::msg)?);
        // Its shares so far (final once their epochs are).
        let mut credited: u128 = 0;
        for e in epoch.saturating_sub(1)..=epoch {
            for regime in dynamis_proofs::Regime::ALL {
                credited += chain
                    .query::<u128>(
                        chain.attestations,
                        calls::attestations::CREDITED,
                        (calls::account(who), e, regime.index()),
                    )
                    .await?;
            }
        }
        let score: u32 = chain
            .query(
                chain.reputation,
                calls::reputation::SCORE,
                calls::account(who),
            )
            .await
            .unwrap_or(0);
        let meter: power_flux::Meter = chain
            .query(power_flux, calls::power_flux::METER, calls::account(who))
            .await?;
        let flux: u128 = chain
            .query(power_flux, calls::token::BALANCE_OF, calls::account(who))
            .await?;
        power.push((meter.p_used, flux));
        println!(
            "verifier {i}    capacity credited {credited} units (its shares), reputation {score}, \
             Power spent {:.3}, Flux {:.3}, served {}",
            meter.p_used as f64 / power_flux::POWER_UNIT as f64,
            flux as f64 / power_flux::ONE_FLUX as f64,
            urls[usize::from(i) - 1]
        );
    }
    let mut names = std::collections::HashMap::new();
    for i in 1..=opts.verifiers {
        let who = account_of(&signer(&verifier_suri(i)).map_err(anyhow::Error::msg)?);
        names.insert(who, format!("verifier {i}"));
    }
    let name = |who: &dynamis_deploy::calls::AccountId| {
        names
            .get(&calls::raw(who))
            .cloned()
            .unwrap_or_else(|| dynamis_deploy::hex::encode(who))
    };
    let slashes: u64 = chain
        .query(chain.bonding, calls::bonding::NEXT_SLASH, ())
        .await?;
    for s in 0..slashes {
        let slash: Option<bonding::Slash> =
            chain.query(chain.bonding, calls::bonding::SLASH, s).await?;
        if let Some(slash) = slash {
            println!(
                "slash {s}       {} DYN of {} ({:?}), {:?}; the reporter's share goes to {}",
                slash.amount / bonding::ONE_DYN,
                name(&slash.offender),
                slash.class,
                slash.status,
                name(&slash.beneficiary)
            );
        }
    }
    Ok(Report {
        accepted,
        final_items: totals.r#final,
        valid_items: valid,
        lost: accepted.saturating_sub(totals.r#final),
        attestations: id,
        attestations_final: final_,
        attestations_rejected: rejected,
        attestations_pending: other,
        audit: None,
        slashes,
        governance: None,
        power,
    })
}
