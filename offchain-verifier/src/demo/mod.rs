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
mod chain;
mod cluster;
mod gov_round;

pub use chain::{chain_for, node_chain_for, node_ticker, DemoChain};
pub use cluster::{await_onboarded, feed, get_json, listeners, peers_of, stats};
pub use gov_round::{GovernanceRound, PROPOSED_GAIN};

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
        DemoChain::Sandbox(_) => Some(gov_round::governance_round(&opts).await?),
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
