//! The whole verifier service, items accepted → final, per core: a sandbox chain with the
//! suite, one verifier service (threshold 1 of 1), a generated workload posted over HTTP in
//! bulk (generated and encoded before the timer starts), timed until every item's attestation
//! is final on-chain. Beside it, measured in the same process on the same cores and the same
//! items just before and just after the service, the core library alone (`Batch::verify`:
//! verdicts, digests, tree). Several runs on each core count, their median and range. Then
//! the crash test, many times.
//!
//! `scripts/bench` runs it in release mode; `--out FILE` rewrites the service section of
//! that Markdown file. Each throughput run is a child process pinned with `taskset` to one
//! core, or left on both.

use dynamis_verifier::{
    crash,
    demo::{self, Options},
    gen::Generator,
    input::{Format, Writer},
    report::{self, write_section},
    service::{self, store::Stats},
    Batch, Item, Kind,
};
use futures::StreamExt;
use std::{
    fmt::Write as _,
    process::Command,
    time::{Duration, Instant},
};

type Error = Box<dyn std::error::Error>;

const ITEMS: u64 = 200_000;
/// Items per bulk request, and bulk requests in flight at once (the intake commits the
/// requests waiting together).
const BULK: usize = 5_000;
const IN_FLIGHT: usize = 4;
const CRASH_KILLS: u32 = 50;
/// Items per batch in the service.
const BATCH_ITEMS: usize = 8_192;
/// Throughput runs on each core count.
const ROUNDS: usize = 5;

/// The median of some ratios and their range, printed as percentages.
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(ratios: impl Iterator<Item = f64>) -> Self {
        let mut v: Vec<f64> = ratios.collect();
        v.sort_by(f64::total_cmp);
        let median = match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        };
        Spread {
            median,
            min: v.first().copied().unwrap_or(f64::NAN),
            max: v.last().copied().unwrap_or(f64::NAN),
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} % ({:.1}–{:.1})",
            100.0 * self.median,
            100.0 * self.min,
            100.0 * self.max
        )
    }
}

/// The part of a bulk answer ([`dynamis_verifier::service::wire::BulkAccepted`]) the load
/// generator reads.
#[derive(serde::Deserialize)]
struct AcceptedCount {
    accepted: usize,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Throughput {
    cores: usize,
    items: u64,
    service_per_s: f64,
    /// Items turned final per second while the pipeline is full: from 10 % to 90 % of the
    /// items final (no start-up, no drain of the last batch through the challenge window).
    steady_per_s: f64,
    library_per_s: f64,
    /// The library on the service's batches ([`BATCH_ITEMS`] items each).
    library_batched_per_s: f64,
    p50_latency_s: f64,
    /// CPU time of the whole process (service, chain and load) over the service's run, and
    /// that run's wall-clock time.
    service_cpu_s: f64,
    service_s: f64,
}

impl Throughput {
    /// The whole run's rate against the library's.
    fn whole_ratio(&self) -> f64 {
        self.service_per_s / self.library_per_s
    }

    /// The steady rate against the library's.
    fn steady_ratio(&self) -> f64 {
        self.steady_per_s / self.library_per_s
    }
}

/// User and system time of this process so far (all threads), from `/proc/self/stat`; 0 where
/// that cannot be read.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; the kernel
    // counts them in USER_HZ ticks, 100 per second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// One throughput run on however many cores this process may use.
async fn throughput(items: u64) -> Result<Throughput, Error> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = std::env::temp_dir().join(format!("dynamis-bench-service-{cores}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let opts = Options {
        verifiers: 1,
        dir,
        batch_items: BATCH_ITEMS,
        batch_wait_ms: 250,
        block_ms: 50,
        challenge_window: 4,
        ..Options::default()
    };
    let launched = demo::chain_for(&opts).await?;
    let (mut bound, urls) = demo::listeners(1).await?;
    let config = demo::verifier_config(&opts, 1, urls[0].clone(), Vec::new());
    let running = service::start(config, bound.remove(0)).await?;
    let http = reqwest::Client::new();
    demo::await_onboarded(&http, &urls).await?;
    // The load is generated (items signed) and encoded before the timer starts: what is
    // timed is the service, from the first byte posted to the last attestation final.
    let gen = Generator::new(99, &Kind::ALL, 0.01);
    let items: Vec<Item> = (0..items).map(|n| gen.item(n).0).collect();
    let bodies = items
        .chunks(BULK)
        .map(|chunk| {
            let mut writer = Writer::new(Vec::new(), Format::Scale)?;
            for item in chunk {
                writer.write(item)?;
            }
            writer.finish()
        })
        .collect::<Result<Vec<Vec<u8>>, std::io::Error>>()?;
    // The core library alone on the same items (distinct ones, as the service keeps them),
    // timed before the service (and again after it, below).
    let mut seen = std::collections::HashSet::new();
    let set: Vec<Item> = items
        .iter()
        .filter(|i| seen.insert(dynamis_proofs::item_digest::<dynamis_verifier::Native>(i)))
        .cloned()
        .collect();
    drop(items);
    let n = set.len() as u64;
    let library = |set: Vec<Item>| {
        let t = Instant::now();
        let batch = Batch::verify(set);
        let s = t.elapsed().as_secs_f64();
        drop(batch);
        s
    };
    let library_before_s = library(set.clone());
    let url = format!("{}/items/bulk", urls[0]);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    // A mark for a profiler to attach at (`perf record -p`): the service phase starts.
    eprintln!("service timer started");
    let answers = futures::stream::iter(bodies.into_iter().map(|body| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let r = http
                .post(url)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await?;
            if !r.status().is_success() {
                return Err(format!("bulk refused: {}", r.text().await.unwrap_or_default()).into());
            }
            // Only the count is read: decoding the 5,000 hex digests of each answer is the load
            // generator's work, on the cores being measured.
            Ok::<_, Error>(r.json::<AcceptedCount>().await?.accepted as u64)
        }
    }))
    .buffer_unordered(IN_FLIGHT)
    .collect::<Vec<_>>()
    .await;
    let mut accepted = 0u64;
    for answer in answers {
        accepted += answer?;
    }
    let (mut t10, mut t90) = (None, None);
    loop {
        let s: Stats = demo::get_json(&http, format!("{}/stats", urls[0])).await?;
        let now = started.elapsed().as_secs_f64();
        if t10.is_none() && s.r#final * 10 >= accepted {
            t10 = Some((now, s.r#final));
        }
        if t90.is_none() && s.r#final * 10 >= accepted * 9 {
            t90 = Some((now, s.r#final));
        }
        if s.r#final >= accepted {
            break;
        }
        if started.elapsed() > Duration::from_secs(1_800) {
            return Err(format!("not final after 30 minutes: {s:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let service_s = started.elapsed().as_secs_f64();
    let service_cpu_s = cpu_seconds() - cpu_before;
    let metrics = http
        .get(format!("{}/metrics", urls[0]))
        .send()
        .await?
        .text()
        .await?;
    running.stop();
    launched.server.abort();
    let p50 = median_latency(&metrics);
    // The library again after the service: its reference is the mean of the two timings,
    // so that the machine's drift over the run weighs on both sides alike.
    let library_s = (library_before_s + library(set.clone())) / 2.0;
    // The same items in the service's batches (consecutive runs of its batch size, as the
    // queue hands them out), for comparison: batch verification gains with size, and the
    // bisection of a failing batch costs with it.
    let chunks: Vec<Vec<Item>> = set.chunks(BATCH_ITEMS).map(<[Item]>::to_vec).collect();
    let t = Instant::now();
    for chunk in chunks {
        drop(Batch::verify(chunk));
    }
    let batched_s = t.elapsed().as_secs_f64();
    Ok(Throughput {
        cores,
        items: accepted,
        service_per_s: accepted as f64 / service_s,
        steady_per_s: match (t10, t90) {
            (Some((a, fa)), Some((b, fb))) if b > a => (fb - fa) as f64 / (b - a),
            _ => f64::NAN,
        },
        library_per_s: n as f64 / library_s,
        library_batched_per_s: n as f64 / batched_s,
        p50_latency_s: p50,
        service_cpu_s,
        service_s,
    })
}

/// The upper bound of the histogram bucket holding the median accepted → final latency.
fn median_latency(metrics: &str) -> f64 {
    let name = "dynamis_verifier_accepted_to_final_seconds";
    let count: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}_count ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    metrics
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{name}_bucket{{le=\"")))
        .filter_map(|rest| {
            let (le, n) = rest.split_once("\"} ")?;
            Some((le.parse::<f64>().ok()?, n.trim().parse::<f64>().ok()?))
        })
        .find(|(_, n)| *n >= count / 2.0)
        .map_or(f64::NAN, |(le, _)| le)
}

/// Runs this binary's `throughput` child, pinned to core 0 when `one_core`.
fn child(one_core: bool) -> Result<Throughput, Error> {
    let me = std::env::current_exe()?;
    let output = if one_core {
        Command::new("taskset")
            .args(["-c", "0"])
            .arg(&me)
            .arg("throughput")
            .output()?
    } else {
        Command::new(&me).arg("throughput").output()?
    };
    if !output.status.success() {
        return Err(format!(
            "throughput run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = String::from_utf8(output.stdout)?;
    let line = text.lines().last().ok_or("no output")?;
    Ok(serde_json::from_str(line)?)
}

fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter("error")
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if std::env::args().nth(1).as_deref() == Some("throughput") {
        let t = runtime.block_on(throughput(ITEMS))?;
        println!("{}", serde_json::to_string(&t)?);
        return Ok(());
    }
    let out = report::out_arg("bench-service")?;
    // One run is at the mercy of the machine (the same binary has given whole-run ratios from
    // 65 % to 88 % on two cores): the runs alternate one core / both, and each ratio is taken
    // against the library measured in the same child, just before and just after the service.
    let mut runs: [Vec<Throughput>; 2] = [Vec::new(), Vec::new()];
    for round in 1..=ROUNDS {
        for (slot, one_core) in [(0, true), (1, false)] {
            eprintln!(
                "throughput, round {round} of {ROUNDS}, {}…",
                if one_core {
                    "one core (taskset -c 0)"
                } else {
                    "every core"
                }
            );
            runs[slot].push(child(one_core)?);
        }
    }
    let mut body = String::new();
    writeln!(
        body,
        "### Verifier service: items accepted → final (release)\n"
    )?;
    writeln!(
        body,
        "`scripts/bench` → `cargo run --release -p dynamis-verifier --features bench --bin bench-service`; {}; \
         {ITEMS} generated items ({} distinct: the generator repeats some inclusion claims, \
         which the service acknowledges once; all five kinds in turn, 1 % forged), generated and \
         SCALE-encoded before the timer starts, posted over HTTP in bulks of {BULK} ({IN_FLIGHT} \
         in flight) to one verifier (threshold 1 of 1) on a sandbox chain in the same process (50 ms blocks, \
         4-block challenge window), timed until the last item's attestation is final on-chain. \
         The library column is `Batch::verify` of the same distinct items in the same process \
         (the previous section's core), timed just before the service and again just after it: \
         the mean of the two. The load generator reads only the count of each answer. {ROUNDS} runs on each core \
         count, alternating; each ratio is a run's service against its own library figure; the \
         figures shown are the median run's (by whole run / library), the ratios their median \
         and, in brackets, their range.\n",
        report::tool_version("rustc", &["--version"]),
        runs[0][0].items
    )?;
    writeln!(body, "| cores | service, first post → last final (items/s) | per core | service, steady (items/s) | per core | core library (items/s) | steady / library | whole run / library | median accepted → final |")?;
    writeln!(body, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for set in &runs {
        let whole = Spread::of(set.iter().map(Throughput::whole_ratio));
        let steady = Spread::of(set.iter().map(Throughput::steady_ratio));
        let t = set
            .iter()
            .min_by(|a, b| {
                let d = |t: &Throughput| (t.whole_ratio() - whole.median).abs();
                d(a).total_cmp(&d(b))
            })
            .ok_or("no runs")?;
        writeln!(
            body,
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {steady} | {whole} | ≤ {} s |",
            t.cores,
            t.service_per_s,
            t.service_per_s / t.cores as f64,
            t.steady_per_s,
            t.steady_per_s / t.cores as f64,
            t.library_per_s,
            t.p50_latency_s
        )?;
    }
    writeln!(
        body,
        "\n\"Steady\" counts the items that turned final between the moments 10 % and 90 % of \
         them were final, over that time: the pipeline full, without its start and without the \
         last batch's drain (its wait, verification, submission and challenge window), which \
         the whole-run column includes.\n\nEvery run, whole run / library then steady / library:\n"
    )?;
    for set in &runs {
        let each: Vec<String> = set
            .iter()
            .map(|t| {
                format!(
                    "{:.1} / {:.1} %",
                    100.0 * t.whole_ratio(),
                    100.0 * t.steady_ratio()
                )
            })
            .collect();
        writeln!(body, "- {} core(s): {}", set[0].cores, each.join("; "))?;
    }
    match &out {
        Some(path) => write_section(path, "service", &body)?,
        None => println!("{body}"),
    }

    eprintln!("crash test: {CRASH_KILLS} SIGKILLs…");
    let bin = std::env::current_exe()?
        .parent()
        .ok_or("no directory")?
        .join("dynamis-verifier");
    let dir = std::env::temp_dir().join("dynamis-bench-crash");
    let crashed = runtime.block_on(crash::run(&bin, dir, CRASH_KILLS, 2026))?;
    if crashed.lost != 0 || crashed.duplicates != 0 {
        return Err(format!("crash test failed: {crashed:?}").into());
    }

    let mut body = String::new();
    writeln!(
        body,
        "### Crash test ({} × SIGKILL)\n\nVerifier 1 runs as a process and is killed with SIGKILL \
         after a random 50–1,500 ms of streaming intake (about 5,000 items/s; batches of 1,024 closing at the latest after 100 ms, \
         co-signed by two in-process peers, submitted, finalised), then restarted on the same \
         store; after the last restart it drains.\n",
        crashed.kills
    )?;
    writeln!(body, "| kills | items acknowledged (202) | final | lost | stored | attested on-chain | attested twice | submit txs resent | seconds |")?;
    writeln!(body, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        body,
        "| {} | {} | {} | {} | {} | {} ({} attestations) | {} | {} | {:.0} |",
        crashed.kills,
        crashed.acknowledged,
        crashed.r#final,
        crashed.lost,
        crashed.stored,
        crashed.attested_items,
        crashed.attestations,
        crashed.duplicates,
        crashed.resent,
        crashed.seconds
    )?;
    match &out {
        Some(path) => write_section(path, "crash", &body)?,
        None => println!("{body}"),
    }
    Ok(())
}
