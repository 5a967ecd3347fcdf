//! The crash tests: a verifier process is killed with SIGKILL at random moments, or dies at
//! chosen points (`service::failpoint`), the leader's and a peer's, while items stream in and
//! its batches are co-signed and submitted, then restarted on the same store. Afterwards every
//! item it acknowledged must be final, its inclusion proof holding against the root of a
//! final attestation on chain, and the chain must hold each of its items in exactly one
//! attestation.

use crate::{
    demo::{self, get_json, Options},
    gen::Generator,
    input::to_json,
    service::{self, chain::Contracts, store::Stats, wire::BulkAccepted},
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
    /// Stored submit transactions sent again after a restart and included.
    pub resent: u64,
    /// Stored submit transactions whose nonce had gone to another: submitted anew.
    pub rebuilt: u64,
    /// The crash points, `verifier:point`, in order.
    pub points: Vec<String>,
    pub seconds: f64,
}

fn spawn(bin: &Path, config: &Path, log: &Path, failpoints: &str) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    Command::new(bin)
        .arg("serve")
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "info")
        .env(service::failpoint::ENV, failpoints)
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
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

/// The items streamed to verifier 1 across its lives, and those it acknowledged.
struct Feed {
    gen: Arc<Generator>,
    next: Arc<Mutex<u64>>,
    acked: Arc<Mutex<HashSet<[u8; 32]>>>,
}

impl Feed {
    fn new(seed: u64) -> Self {
        Self {
            gen: Arc::new(Generator::new(seed, &Kind::ALL, 0.02)),
            next: Arc::new(Mutex::new(0)),
            acked: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// Streams items to verifier 1 until the task is aborted.
    fn start(&self, rig: &Rig) -> tokio::task::JoinHandle<()> {
        tokio::spawn(stream(
            rig.http.clone(),
            rig.urls[0].clone(),
            self.gen.clone(),
            self.next.clone(),
            self.acked.clone(),
            100,
        ))
    }
}

/// A sandbox chain, verifiers 1 and 2 as processes of `bin` (started and killed by the test),
/// verifier 3 in this process.
struct Rig {
    launched: dynamis_deploy::Launched,
    running: Vec<service::Running>,
    urls: Vec<String>,
    configs: Vec<PathBuf>,
    logs: Vec<PathBuf>,
    http: reqwest::Client,
    dir: PathBuf,
}

impl Rig {
    async fn new(dir: &Path) -> anyhow::Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        let opts = Options {
            dir: dir.to_path_buf(),
            batch_items: 1_024,
            batch_wait_ms: 100,
            block_ms: 20,
            challenge_window: 10,
            ..Options::default()
        };
        let launched = demo::chain_for(&opts).await?;
        let (bound, urls) = demo::listeners(opts.verifiers).await?;
        let mut running = Vec::new();
        let mut configs = Vec::new();
        let mut logs = Vec::new();
        for (i, listener) in (1..=opts.verifiers).zip(bound) {
            let url = urls[usize::from(i) - 1].clone();
            let mut config = demo::verifier_config(&opts, i, url, demo::peers_of(&urls, i));
            if i > 2 {
                running.push(service::start(config, listener).await?);
                continue;
            }
            // A process: its port is freed for it, and it reads its keys as an operator's
            // would, from a keystore file (mode 0600).
            drop(listener);
            config.listen = config.listen.trim_start_matches("http://").to_string();
            let keystore = dir.join(format!("verifier-{i}.keys"));
            config
                .keys
                .take()
                .context("the verifier's keys")?
                .save(&keystore)?;
            config.keystore = Some(keystore);
            let path = dir.join(format!("verifier-{i}.toml"));
            std::fs::write(&path, config.to_toml())?;
            configs.push(path);
            logs.push(dir.join(format!("verifier-{i}.log")));
        }
        Ok(Self {
            launched,
            running,
            urls,
            configs,
            logs,
            http: reqwest::Client::new(),
            dir: dir.to_path_buf(),
        })
    }

    /// Starts process verifier `i` (1 or 2) with these failpoints armed, and waits until it
    /// serves.
    async fn start(&self, bin: &Path, i: usize, failpoints: &str) -> anyhow::Result<Child> {
        let mut child = spawn(bin, &self.configs[i - 1], &self.logs[i - 1], failpoints)?;
        tokio::select! {
            up = await_up(&self.http, &self.urls[i - 1]) => up?,
            died = child.wait() => bail!("verifier {i} died while starting: {:?}", died?),
        }
        Ok(child)
    }

    /// Waits until verifier 1 holds no sent-but-unrecorded submission.
    async fn settled(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let s: Stats = get_json(&self.http, format!("{}/stats", self.urls[0])).await?;
            if s.sent == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("verifier 1 kept a submission unrecorded for a minute: {s:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Drains verifier 1 to finality and checks it against the chain.
    async fn check(
        self,
        acked: &Mutex<HashSet<[u8; 32]>>,
        mut report: CrashReport,
    ) -> anyhow::Result<CrashReport> {
        let url = &self.urls[0];
        let deadline = Instant::now() + Duration::from_secs(900);
        let stats = loop {
            let s: Stats = get_json(&self.http, format!("{url}/stats")).await?;
            if s.queued + s.verified + s.sent + s.attested == 0 {
                break s;
            }
            if Instant::now() > deadline {
                bail!("verifier 1 did not drain within 15 minutes: {s:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let manifest = dynamis_deploy::Manifest::load(&self.dir.join("deployment.json"))?;
        let me = signer(&demo::verifier_suri(1)).map_err(anyhow::Error::msg)?;
        let chain = Contracts::new(&manifest, &self.launched.url, me)?;
        let acked: Vec<[u8; 32]> = acked
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .iter()
            .copied()
            .collect();
        report.acknowledged = acked.len() as u64;
        // Each attestation's record is read from the chain once (a few hundred, for 10^5 items).
        let mut records: std::collections::HashMap<u64, Option<service::chain::Record>> =
            std::collections::HashMap::new();
        for digest in &acked {
            let status: Result<service::wire::ItemStatus, _> = get_json(
                &self.http,
                format!("{url}/items/{}", dynamis_deploy::hex::encode(digest)),
            )
            .await;
            // Final means: its proof holds against the root of a final attestation on chain.
            let proven = match status {
                Ok(s) if s.state == "final" => match (s.proof, s.attestation) {
                    (Some(proof), Some(id)) => {
                        let record = match records.entry(id) {
                            std::collections::hash_map::Entry::Occupied(known) => {
                                known.get().clone()
                            }
                            std::collections::hash_map::Entry::Vacant(slot) => {
                                slot.insert(chain.attestation(id).await?).clone()
                            }
                        };
                        let verdict = dynamis_proofs::Verdict::of(proof.valid);
                        let leaf = dynamis_proofs::batch_leaf::<crate::Native>(digest, verdict);
                        record.is_some_and(|r| {
                            r.status == service::chain::Status::Final
                                && r.root == proof.root
                                && dynamis_proofs::verify_inclusion::<crate::Native>(
                                    &leaf,
                                    proof.index,
                                    proof.size,
                                    &proof.path,
                                    &r.root,
                                )
                        })
                    }
                    _ => false,
                },
                _ => false,
            };
            if proven {
                report.r#final += 1;
            } else {
                report.lost += 1;
            }
        }
        report.stored = stats.accepted();
        let mut id = 0;
        while let Some(record) = chain.attestation(id).await? {
            if record.submitter == calls::account(chain.me) {
                report.attestations += 1;
                report.attested_items += record.items;
            }
            id += 1;
        }
        report.duplicates = report.attested_items.saturating_sub(report.stored);
        let logged = std::fs::read_to_string(&self.logs[0]).unwrap_or_default();
        let count = |needle: &str| logged.lines().filter(|l| l.contains(needle)).count() as u64;
        report.resent = count("stored submit transaction sent again and included");
        report.rebuilt = count("submitting anew");
        for r in self.running {
            r.stop();
        }
        self.launched.server.abort();
        Ok(report)
    }
}

/// Runs `kills` kill/restart cycles of verifier 1 at random moments while items stream in.
pub async fn run(bin: &Path, dir: PathBuf, kills: u32, seed: u64) -> anyhow::Result<CrashReport> {
    let started = Instant::now();
    let rig = Rig::new(&dir).await?;
    let peer = rig.start(bin, 2, "").await?;
    let feed = Feed::new(seed);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = CrashReport::default();
    let progress = crate::progress::bar(u64::from(kills), "kills");
    for _ in 0..kills {
        let mut child = rig.start(bin, 1, "").await?;
        let feeder = feed.start(&rig);
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..1_500))).await;
        child.start_kill()?;
        let _ = child.wait().await;
        feeder.abort();
        report.kills += 1;
        progress.inc(1);
    }
    progress.finish();
    // The last restart: drain everything to finality.
    let child = rig.start(bin, 1, "").await?;
    let mut report = rig.check(&feed.acked, report).await?;
    drop((child, peer));
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Kills at chosen points: for each `(verifier, point)`, that verifier (1, the leader, or 2, a
/// peer) is restarted with the point armed while items stream in to verifier 1, dies there by
/// itself (a point never reached within a minute is an error), and is restarted without it.
/// The point `skip-fsync` instead runs verifier 1 with non-durable commits and kills it with
/// SIGKILL after a second and a half: the fault the check must catch.
pub async fn run_points(
    bin: &Path,
    dir: PathBuf,
    points: &[(usize, &str)],
    seed: u64,
) -> anyhow::Result<CrashReport> {
    let started = Instant::now();
    let rig = Rig::new(&dir).await?;
    let mut children = [
        Some(rig.start(bin, 1, "").await?),
        Some(rig.start(bin, 2, "").await?),
    ];
    let feed = Feed::new(seed);
    let mut report = CrashReport::default();
    let progress = crate::progress::bar(points.len() as u64, "crash points");
    for &(i, point) in points {
        anyhow::ensure!(
            (1..=2).contains(&i)
                && (point == "skip-fsync" || service::failpoint::POINTS.contains(&point)),
            "no crash point {point} at verifier {i}"
        );
        if let Some(mut old) = children[i - 1].take() {
            old.start_kill()?;
            let _ = old.wait().await;
        }
        let mut child = rig.start(bin, i, point).await?;
        let feeder = feed.start(&rig);
        if point == "skip-fsync" {
            tokio::time::sleep(Duration::from_millis(1_500)).await;
            child.start_kill()?;
            let _ = child.wait().await;
        } else {
            let died = tokio::time::timeout(Duration::from_secs(60), child.wait()).await;
            anyhow::ensure!(died.is_ok(), "verifier {i} never reached {point}");
        }
        feeder.abort();
        report.kills += 1;
        report.points.push(format!("{i}:{point}"));
        children[i - 1] = Some(rig.start(bin, i, "").await?);
        // The leader's recovery is let run to its end (no stored transaction left unsent or
        // unrecorded) before the next kill, so that what it did is in its log.
        if i == 1 {
            rig.settled().await?;
        }
        progress.inc(1);
    }
    progress.finish();
    let mut report = rig.check(&feed.acked, report).await?;
    drop(children);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
