//! The crash test: a verifier process is killed with SIGKILL at random moments while items
//! stream in and its batches are co-signed and submitted, then restarted on the same store.
//! Afterwards every item it acknowledged must be final, and the chain must hold each of its
//! items in exactly one attestation.

use crate::{
    demo::{self, get_json, Options},
    gen::Generator,
    input::to_json,
    service::{self, api::BulkAccepted, chain::Chain, store::Stats},
    Kind,
};
use anyhow::{bail, Context};
use dynamis_deploy::{calls, tx::signer};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::process::{Child, Command};

/// What a crash test found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CrashReport {
    pub kills: u32,
    /// Items the killed verifier acknowledged with 202.
    pub acknowledged: u64,
    /// Of those, final after the last restart.
    pub r#final: u64,
    /// Acknowledged items the verifier no longer knows or that never became final.
    pub lost: u64,
    /// Its attestations on chain, and the items they cover.
    pub attestations: u64,
    pub attested_items: u64,
    /// Items it stored (acknowledged or not: a kill can land after the commit, before the
    /// answer).
    pub stored: u64,
    /// Items attested more than once (Σ attested − stored).
    pub duplicates: u64,
    /// Stored submit transactions sent again after a restart.
    pub resent: u64,
    pub seconds: f64,
}

fn spawn(bin: &Path, config: &Path, log: &Path) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    Ok(Command::new(bin)
        .arg("serve")
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?)
}

async fn await_up(http: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while http.get(format!("{url}/health")).send().await.is_err() {
        if Instant::now() > deadline {
            bail!("{url} did not come up within a minute");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Posts chunks of generated items to `url` forever, recording the digests acknowledged.
async fn stream(
    http: reqwest::Client,
    url: String,
    gen: Arc<Generator>,
    next: Arc<Mutex<u64>>,
    acked: Arc<Mutex<HashSet<[u8; 32]>>>,
    chunk: u64,
) {
    loop {
        let start = {
            let Ok(mut n) = next.lock() else { return };
            let start = *n;
            *n += chunk;
            start
        };
        let body: String = (start..start + chunk)
            .map(|n| to_json(&gen.item(n).0) + "\n")
            .collect();
        let sent = http
            .post(format!("{url}/items/bulk"))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await;
        let Ok(response) = sent else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        if response.status().is_success() {
            if let Ok(answer) = response.json::<BulkAccepted>().await {
                if let Ok(mut set) = acked.lock() {
                    set.extend(answer.digests);
                }
            }
        }
        // A steady stream (about 5,000 items/s), not a flood: the point is to be killed
        // mid-batch and mid-submission, not to build a backlog.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs `kills` kill/restart cycles of verifier 1 (a process running `bin`), verifiers 2
/// and 3 running in-process, on a fresh sandbox chain.
pub async fn run(bin: &Path, dir: PathBuf, kills: u32, seed: u64) -> anyhow::Result<CrashReport> {
    let started = Instant::now();
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let opts = Options {
        dir: dir.clone(),
        batch_items: 1_024,
        batch_wait_ms: 100,
        block_ms: 20,
        challenge_window: 10,
        ..Options::default()
    };
    let launched = demo::chain_for(&opts).await?;
    let (mut bound, urls) = demo::listeners(opts.verifiers).await?;
    // Verifier 1 is a process: free its port for it.
    drop(bound.remove(0));
    let mut running = Vec::new();
    for (i, listener) in (2..=opts.verifiers).zip(bound) {
        let config = demo::verifier_config(
            &opts,
            i,
            urls[usize::from(i) - 1].clone(),
            demo::peers_of(&urls, i),
        );
        running.push(service::start(config, listener).await?);
    }
    let mut config = demo::verifier_config(
        &opts,
        1,
        urls[0].trim_start_matches("http://").to_string(),
        demo::peers_of(&urls, 1),
    );
    // The process reads its keys as an operator's would: from a keystore file (mode 0600).
    let keystore = dir.join("verifier-1.keys");
    config.keys.take().context("verifier 1's keys")?.save(&keystore)?;
    config.keystore = Some(keystore);
    let config_path = dir.join("verifier-1.toml");
    std::fs::write(&config_path, config.to_toml())?;
    let log = dir.join("verifier-1.log");
    let http = reqwest::Client::new();
    let url = urls[0].clone();

    let gen = Arc::new(Generator::new(seed, &Kind::ALL, 0.02));
    let next = Arc::new(Mutex::new(0u64));
    let acked = Arc::new(Mutex::new(HashSet::new()));
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = CrashReport::default();
    let progress = demo::bar(u64::from(kills), "kills");
    for _ in 0..kills {
        let mut child = spawn(bin, &config_path, &log)?;
        await_up(&http, &url).await?;
        let feeder = tokio::spawn(stream(
            http.clone(),
            url.clone(),
            gen.clone(),
            next.clone(),
            acked.clone(),
            100,
        ));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..1_500))).await;
        child.start_kill()?;
        let _ = child.wait().await;
        feeder.abort();
        report.kills += 1;
        progress.inc(1);
    }
    progress.finish();

    // The last restart: drain everything to finality.
    let mut child = spawn(bin, &config_path, &log)?;
    await_up(&http, &url).await?;
    let deadline = Instant::now() + Duration::from_secs(900);
    let stats = loop {
        let s: Stats = get_json(&http, format!("{url}/stats")).await?;
        if s.queued + s.verified + s.sent + s.attested == 0 {
            break s;
        }
        if Instant::now() > deadline {
            bail!("verifier 1 did not drain within 15 minutes: {s:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let acked: Vec<[u8; 32]> = acked
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .iter()
        .copied()
        .collect();
    report.acknowledged = acked.len() as u64;
    for digest in &acked {
        let status: Result<service::api::ItemStatus, _> = get_json(
            &http,
            format!("{url}/items/{}", dynamis_deploy::hex::encode(digest)),
        )
        .await;
        match status {
            Ok(s) if s.state == "final" => report.r#final += 1,
            _ => report.lost += 1,
        }
    }
    report.stored = stats.accepted();
    let manifest = dynamis_deploy::Manifest::load(&dir.join("deployment.json"))?;
    let me = signer(&demo::verifier_suri(1)).map_err(anyhow::Error::msg)?;
    let chain = Chain::new(&manifest, &launched.url, me)?;
    let mut id = 0;
    while let Some(record) = chain.attestation(id).await? {
        if record.submitter == calls::account(chain.me) {
            report.attestations += 1;
            report.attested_items += record.items;
        }
        id += 1;
    }
    report.duplicates = report.attested_items.saturating_sub(report.stored);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    report.resent = logged
        .lines()
        .filter(|l| l.contains("stored submit transaction sent again"))
        .count() as u64;
    child.start_kill()?;
    let _ = child.wait().await;
    for r in running {
        r.stop();
    }
    launched.server.abort();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
