//! A client of a verifier service (`dynamis-verifier submit | status`): sends a file's items in
//! SCALE chunks with the API token, waits as long as the service says when it is busy
//! (429/503 with `Retry-After`), and reads an item's state and proof.

use crate::{
    input::{Format, Writer},
    service::wire::{ApiError, BulkAccepted, ItemStatus},
    Item,
};
use anyhow::{bail, Context};
use std::time::Duration;

/// The longest pause a `Retry-After` is taken for (a longer one is capped).
const MAX_PAUSE: Duration = Duration::from_secs(60);

pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// What a submission did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub accepted: u64,
    pub duplicates: u64,
    /// Requests that were answered 202.
    pub requests: u64,
    /// Times the service said it was busy (429 or 503) and the client waited.
    pub waits: u64,
    /// Every item's digest, in file order.
    pub digests: Vec<[u8; 32]>,
}

fn reason(body: &str) -> String {
    serde_json::from_str::<ApiError>(body).map_or_else(|_| body.to_string(), |e| e.error)
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()?,
            base: base.trim_end_matches('/').to_string(),
            token,
        })
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.post(format!("{}{path}", self.base));
        match &self.token {
            Some(token) => r.bearer_auth(token),
            None => r,
        }
    }

    /// Submits `items` in requests of at most `chunk` items; `on_chunk` is told how many went in.
    pub async fn submit(
        &self,
        items: &[Item],
        chunk: usize,
        mut on_chunk: impl FnMut(u64),
    ) -> anyhow::Result<Submitted> {
        let mut done = Submitted::default();
        for part in items.chunks(chunk.max(1)) {
            let mut writer = Writer::new(Vec::new(), Format::Scale)?;
            for item in part {
                writer.write(item)?;
            }
            let body = writer.finish()?;
            loop {
                let url = format!("{}/items/bulk", self.base);
                let response = self
                    .post("/items/bulk")
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(body.clone())
                    .send()
                    .await
                    .with_context(|| format!("POST {url}"))?;
                let status = response.status().as_u16();
                let pause = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map_or(Duration::from_secs(1), Duration::from_secs)
                    .min(MAX_PAUSE);
                let text = response.text().await.unwrap_or_default();
                match status {
                    202 => {
                        let got: BulkAccepted = serde_json::from_str(&text)
                            .with_context(|| format!("{url} answered {text:?}"))?;
                        done.accepted += got.accepted as u64;
                        done.duplicates += got.duplicates as u64;
                        done.requests += 1;
                        done.digests.extend(got.digests);
                        on_chunk(part.len() as u64);
                        break;
                    }
                    429 | 503 => {
                        done.waits += 1;
                        tracing::info!("{url}: busy ({}); waiting {pause:?}", reason(&text));
                        tokio::time::sleep(pause).await;
                    }
                    _ => bail!(
                        "{url}: {status}: {} ({} items were accepted before this request)",
                        reason(&text),
                        done.accepted
                    ),
                }
            }
        }
        Ok(done)
    }

    /// The state of the item with this digest.
    pub async fn status(&self, digest: &[u8; 32]) -> anyhow::Result<ItemStatus> {
        let url = format!(
            "{}/items/{}",
            self.base,
            dynamis_deploy::hex::encode(digest)
        );
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{url}: {status}: {}", reason(&text));
        }
        serde_json::from_str(&text).with_context(|| format!("{url} answered {text:?}"))
    }
}
