//! `dynamis-verifier`: verify item files, prove an item's verdict, generate test sets.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
#[cfg(feature = "harness")]
use dynamis_verifier::demo;
use dynamis_verifier::{
    gen::Generator,
    input::{self, Format, Writer},
    progress::bar,
    service::{self, Config},
    Batch, Kind,
};
use indicatif::ProgressBar;
use std::{io::Write, path::PathBuf, time::Instant};
use tracing::{info, warn};

#[derive(Parser)]
#[command(
    version,
    about = "Dynamis off-chain verifier: batch verification, RFC 6962 batch trees, test sets"
)]
struct Cli {
    /// Worker threads (default: every core).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify every item of FILE (JSON lines or SCALE); print verdict counts, root and time.
    Verify {
        file: PathBuf,
        /// Also print the verdicts as JSON lines {index, valid} to this file.
        #[arg(long)]
        verdicts: Option<PathBuf>,
    },
    /// Print the inclusion proof of item INDEX of FILE's batch (as the challenge needs it).
    Prove { file: PathBuf, index: u64 },
    /// Run the verifier service (HTTP API, durable store, co-signing, chain submission).
    Serve {
        /// TOML configuration (every field has a default; see README).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides `listen`.
        #[arg(long)]
        listen: Option<String>,
        /// Overrides `store`.
        #[arg(long)]
        store: Option<PathBuf>,
        /// Overrides `manifest`.
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Overrides `peers` (repeat for several).
        #[arg(long = "peer")]
        peers: Vec<String>,
        /// Print the effective configuration as TOML and exit.
        #[arg(long)]
        print_config: bool,
    },
    /// The main job: deploy the suite into the sandbox, run a verifier cluster on a generated
    /// workload, finalise its attestations, prove a planted fraud (the `harness` feature).
    #[cfg(feature = "harness")]
    Demo {
        /// Items in the workload.
        #[arg(long, default_value_t = 20_000)]
        items: u64,
        /// Fraction of forged items.
        #[arg(long, default_value_t = 0.02)]
        bad: f64,
        /// Verifier services in the cluster.
        #[arg(long, default_value_t = 3)]
        verifiers: u8,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Directory for the manifest and the verifiers' stores (cleared first).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Run against a node (`ws://…`, e.g. a `substrate-contracts-node --dev`) instead of
        /// the sandbox.
        #[arg(long)]
        url: Option<String>,
    },
    /// Send FILE's items (JSON lines or SCALE) to a running service in chunks, waiting when it
    /// says it is busy (DYNAMIS_API_TOKEN is sent as its token when set). Refuses a file with
    /// malformed records unless --skip-malformed.
    Submit {
        file: PathBuf,
        /// The service's base URL.
        #[arg(long, default_value = "http://127.0.0.1:8101")]
        service: String,
        /// Items per request.
        #[arg(long, default_value_t = 5_000)]
        chunk: usize,
        /// Also write every item's digest (hex, one per line, file order) to this file.
        #[arg(long)]
        digests: Option<PathBuf>,
        /// Send the well-formed records of a file that has malformed ones.
        #[arg(long)]
        skip_malformed: bool,
    },
    /// Print an item's state, verdict and inclusion proof (JSON) from a running service.
    Status {
        /// The item's digest (hex), as `submit --digests` writes it.
        digest: String,
        #[arg(long, default_value = "http://127.0.0.1:8101")]
        service: String,
    },
    /// Ask a running service to put the items of its failed batches back in the queue (the
    /// operator's route: DYNAMIS_API_TOKEN is sent as its token when set).
    Requeue {
        /// The service's base URL.
        #[arg(long, default_value = "http://127.0.0.1:8101")]
        service: String,
    },
    /// Register the keystore's co-signing key for its account in the attestations contract (the
    /// service does it at start-up when the account is bonded; this does it beforehand).
    RegisterKey {
        /// TOML configuration: its `keystore` and `manifest` (or `chain_url`) are used.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides `manifest`.
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Overrides `keystore`.
        #[arg(long)]
        keystore: Option<PathBuf>,
    },
    /// Write a keystore file of fresh keys (mode 0600) and print their public halves.
    Keystore {
        /// The file to create (an existing one is kept, not overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Generate a test set.
    Gen {
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Number of items.
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        /// Fraction of bad items (0.0–1.0).
        #[arg(long, default_value_t = 0.01)]
        bad: f64,
        /// Kinds, comma-separated (default: all, in turn).
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn kind_of(name: &str) -> Result<Kind> {
    Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .with_context(|| {
            format!("unknown kind {name:?}; kinds: ed25519, sr25519, ecdsa, inclusion, hash_chain")
        })
}

fn read(file: &std::path::Path) -> Result<input::Read> {
    let read = input::read_file(file).with_context(|| format!("reading {}", file.display()))?;
    for error in &read.errors {
        warn!(file = %file.display(), "skipped {error}");
    }
    if !read.errors.is_empty() {
        eprintln!(
            "{} malformed records skipped (see the log for each)",
            read.errors.len()
        );
    }
    Ok(read)
}

/// The service configuration: the TOML file (or every default), `--manifest` over it.
fn config_of(path: Option<&std::path::Path>, manifest: Option<PathBuf>) -> Result<Config> {
    let mut config = match path {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(manifest) = manifest {
        config.manifest = manifest;
    }
    Ok(config)
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    if let Some(threads) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("starting the thread pool")?;
    }
    match cli.command {
        Command::Serve {
            config,
            listen,
            store,
            manifest,
            peers,
            print_config,
        } => {
            let mut config = config_of(config.as_deref(), manifest)?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            if let Some(store) = store {
                config.store = store;
            }
            if !peers.is_empty() {
                config.peers = peers;
            }
            if print_config {
                print!("{}", config.to_toml());
                return Ok(());
            }
            runtime()?.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&config.listen)
                    .await
                    .with_context(|| format!("listening on {}", config.listen))?;
                let running = service::start(config, listener).await?;
                println!("serving on http://{}", running.addr);
                tokio::signal::ctrl_c().await?;
                running.stop();
                Ok::<_, anyhow::Error>(())
            })?;
        }
        #[cfg(feature = "harness")]
        Command::Demo {
            items,
            bad,
            verifiers,
            seed,
            dir,
            url,
        } => {
            let mut opts = demo::Options {
                items,
                bad,
                verifiers,
                seed,
                url,
                ..demo::Options::default()
            };
            if let Some(dir) = dir {
                opts.dir = dir;
            }
            runtime()?.block_on(demo::run(opts))?;
        }
        Command::Verify { file, verdicts } => {
            let read = read(&file)?;
            let (items, records, errors, count) =
                (read.items, read.records, read.errors, read.count);
            let started = Instant::now();
            let spinner = ProgressBar::new_spinner();
            spinner.set_message(format!("verifying {} items", items.len()));
            spinner.enable_steady_tick(std::time::Duration::from_millis(200));
            let batch = Batch::verify(items);
            spinner.finish_and_clear();
            let elapsed = started.elapsed();
            info!(items = batch.len(), ?elapsed, "verified");
            for (kind, c) in batch.counts() {
                println!(
                    "{:<11} valid {:>9}  invalid {:>9}",
                    kind.name(),
                    c.valid,
                    c.invalid
                );
            }
            println!(
                "items {}  valid {}  capacity {}",
                batch.len(),
                batch.valid(),
                batch.capacity()
            );
            println!("root {}", hex::encode(batch.root()));
            println!(
                "time {:.3} s  ({:.0} items/s on {} threads)",
                elapsed.as_secs_f64(),
                batch.len() as f64 / elapsed.as_secs_f64().max(1e-9),
                rayon::current_num_threads()
            );
            if let Some(path) = verdicts {
                // One line per record of the file, in its order (the batch has its own order:
                // valid items first, by kind); a malformed record says why.
                let mut by_record: Vec<Result<bool, String>> = vec![Ok(false); count];
                for (position, input) in batch.order.iter().enumerate() {
                    if let Some(slot) = records.get(*input).and_then(|r| by_record.get_mut(*r)) {
                        *slot = Ok(batch.verdicts[position] == dynamis_verifier::Verdict::Valid);
                    }
                }
                for error in errors {
                    if let Some(slot) = by_record.get_mut(error.record) {
                        *slot = Err(error.to_string());
                    }
                }
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("creating {}", path.display()))?;
                let mut out = std::io::BufWriter::new(file);
                for (index, verdict) in by_record.iter().enumerate() {
                    let line = match verdict {
                        Ok(valid) => serde_json::json!({ "index": index, "valid": valid }),
                        Err(reason) => {
                            serde_json::json!({ "index": index, "valid": false, "malformed": reason })
                        }
                    };
                    writeln!(out, "{line}")?;
                }
                out.flush()
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        Command::Prove { file, index } => {
            let read = read(&file)?;
            // `index` counts the file's records, malformed ones included; the batch has its
            // own order.
            let record = usize::try_from(index).unwrap_or(usize::MAX);
            if let Some(error) = read.error_of(record) {
                bail!("record {index} is malformed ({error}): it has no place in the batch");
            }
            let count = read.count;
            let item = read.item_of(record);
            let batch = Batch::verify(read.items);
            let Some((position, proof)) = item
                .and_then(|i| batch.position_of(i))
                .and_then(|p| Some((p, batch.proof(p as u64)?)))
            else {
                bail!("no record {index}: the file has {count} records");
            };
            let item = input::to_json(&batch.items[position]);
            println!(
                "{{\"item\":{item},\"proof\":{}}}",
                serde_json::to_string(&proof)?
            );
        }
        Command::Submit {
            file,
            service,
            chunk,
            digests,
            skip_malformed,
        } => {
            let read = read(&file)?;
            if !read.errors.is_empty() && !skip_malformed {
                bail!(
                    "{}: {} malformed record(s), the first {}: nothing sent (fix them, or pass --skip-malformed)",
                    file.display(),
                    read.errors.len(),
                    read.errors[0]
                );
            }
            let token = std::env::var(service::config::TOKEN_ENV).ok();
            let client = dynamis_verifier::client::Client::new(&service, token)?;
            let progress = bar(read.items.len() as u64, "sent");
            let done =
                runtime()?.block_on(client.submit(&read.items, chunk, |n| progress.inc(n)))?;
            progress.finish_and_clear();
            if let Some(path) = digests {
                let mut out = std::io::BufWriter::new(
                    std::fs::File::create(&path)
                        .with_context(|| format!("creating {}", path.display()))?,
                );
                for digest in &done.digests {
                    writeln!(out, "{}", hex::encode(digest))?;
                }
                out.flush()
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            println!(
                "{} items sent in {} requests: {} accepted, {} duplicates; waited {} times for the service",
                done.digests.len(),
                done.requests,
                done.accepted,
                done.duplicates,
                done.waits
            );
        }
        Command::Status { digest, service } => {
            let digest = dynamis_deploy::hex::decode_array::<32>(&digest)
                .map_err(|e| anyhow::anyhow!("digest: {e}"))?;
            let client = dynamis_verifier::client::Client::new(&service, None)?;
            let status = runtime()?.block_on(client.status(&digest))?;
            println!("{}", serde_json::to_string(&status)?);
        }
        Command::RegisterKey {
            config,
            manifest,
            keystore,
        } => {
            let mut config = config_of(config.as_deref(), manifest)?;
            if keystore.is_some() {
                config.keystore = keystore;
            }
            let done = runtime()?.block_on(service::register_key(&config))?;
            println!(
                "{}",
                if done {
                    "co-signing key registered"
                } else {
                    "co-signing key already registered"
                }
            );
        }
        Command::Requeue { service } => {
            runtime()?.block_on(async move {
                let url = format!("{}/admin/requeue", service.trim_end_matches('/'));
                let mut request = reqwest::Client::new().post(&url);
                if let Ok(token) = std::env::var(service::config::TOKEN_ENV) {
                    request = request.bearer_auth(token);
                }
                let response = request
                    .send()
                    .await
                    .with_context(|| format!("POST {url}"))?;
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                if !status.is_success() {
                    bail!("{url}: {status}: {text}");
                }
                let done: service::wire::Requeued = serde_json::from_str(&text)
                    .with_context(|| format!("{url} answered {text:?}"))?;
                println!(
                    "{} failed batch(es), {} item(s) back in the queue",
                    done.batches, done.items
                );
                anyhow::Ok(())
            })?;
        }
        Command::Keystore { out } => {
            use sp_core::Pair;
            let keys = service::Keys::generate();
            let account = dynamis_deploy::tx::signer(keys.account_suri.expose())
                .map_err(anyhow::Error::msg)?;
            let key = sp_core::ecdsa::Pair::from_string(keys.key_suri.expose(), None)
                .map_err(|e| anyhow::anyhow!("key: {e:?}"))?;
            keys.save(&out)?;
            println!("keystore {} written (mode 0600)", out.display());
            println!(
                "account      0x{}  (sr25519: fund it with DYN to bond, and with native tokens on a node)",
                hex::encode(account.public().0)
            );
            println!(
                "co-signing   0x{}  (secp256k1: the service registers it itself)",
                hex::encode(key.public().0)
            );
            println!("api token    in the keystore (api_token): clients of the intake and audit routes send Authorization: Bearer <token>");
            println!(
                "serve with: keystore = \"{}\" in the configuration",
                out.display()
            );
        }
        Command::Gen {
            out,
            count,
            bad,
            kinds,
            seed,
            format,
        } => {
            if !(0.0..=1.0).contains(&bad) {
                bail!("--bad must be between 0 and 1, not {bad}");
            }
            let kinds = kinds
                .iter()
                .map(|k| kind_of(k))
                .collect::<Result<Vec<_>>>()?;
            let generator = Generator::new(seed, &kinds, bad);
            let progress = bar(count, "generating");
            let file = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            let mut writer = Writer::new(std::io::BufWriter::new(file), format)?;
            let mut made_bad = 0u64;
            // In chunks, so memory stays bounded for any count.
            let chunk = 65_536;
            let mut start = 0;
            while start < count {
                let end = (start + chunk).min(count);
                for (item, is_bad) in generator.items(start..end, &|| progress.inc(1)) {
                    made_bad += u64::from(is_bad);
                    writer.write(&item)?;
                }
                start = end;
            }
            writer.finish()?;
            progress.finish_and_clear();
            println!(
                "{count} items ({made_bad} bad) written to {}",
                out.display()
            );
        }
    }
    Ok(())
}
