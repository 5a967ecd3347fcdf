//! Talking to the demo's cluster: listeners and peer lists, JSON reads, onboarding, the
//! workload fed in bulk, the summed stats.

use super::*;

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
