//! Group commit of accepted items: every intake request hands its (digest, encoding) pairs to
//! one committer, which stores whatever requests are waiting in one durable redb commit and
//! then answers each. Under concurrent clients one fsync carries many requests; a lone request
//! is committed at once. An item is acknowledged only after the commit that holds it.

use super::{metrics::inc, now_ms, Service};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Items of one request: digests and SCALE encodings, in request order.
pub type Keyed = Vec<([u8; 32], Vec<u8>)>;

/// Requests waiting for the committer, at most.
const WAITING: usize = 256;
/// Items stored in one commit, at most (further requests wait for the next).
const ITEMS_PER_COMMIT: usize = 65_536;

pub struct Request {
    keyed: Keyed,
    /// Per item: newly stored (false: a duplicate); or why the commit failed.
    reply: oneshot::Sender<Result<Vec<bool>, String>>,
}

pub fn channel() -> (mpsc::Sender<Request>, mpsc::Receiver<Request>) {
    mpsc::channel(WAITING)
}

/// Stores `keyed` in the next group commit; per item, whether it is new.
pub async fn store(s: &Service, keyed: Keyed) -> Result<Vec<bool>, String> {
    let (reply, answer) = oneshot::channel();
    s.intake_queue
        .send(Request { keyed, reply })
        .await
        .map_err(|_| "the intake committer has stopped".to_string())?;
    answer
        .await
        .map_err(|_| "the intake committer has stopped".to_string())?
}

/// The committer: waits for a request, takes every request already waiting (up to
/// [`ITEMS_PER_COMMIT`] items), commits them together, answers them, forever.
pub async fn committer(s: Arc<Service>, mut requests: mpsc::Receiver<Request>) {
    while let Some(first) = requests.recv().await {
        let mut group = vec![first];
        let mut items = group[0].keyed.len();
        while items < ITEMS_PER_COMMIT {
            match requests.try_recv() {
                Ok(next) => {
                    items += next.keyed.len();
                    group.push(next);
                }
                Err(_) => break,
            }
        }
        let service = s.clone();
        let (keyed, replies): (Vec<Keyed>, Vec<_>) =
            group.into_iter().map(|r| (r.keyed, r.reply)).unzip();
        let sizes: Vec<usize> = keyed.iter().map(Vec::len).collect();
        let stored = tokio::task::spawn_blocking(move || {
            let all: Keyed = keyed.into_iter().flatten().collect();
            let fresh = service.store.accept(&all, now_ms())?;
            super::failpoint::hit("intake-stored");
            Ok::<_, super::store::StoreError>(fresh)
        })
        .await;
        match stored {
            Ok(Ok(fresh)) => {
                let new = fresh.iter().filter(|f| **f).count() as u64;
                inc(&s.metrics.c.items_received_total, new);
                inc(&s.metrics.c.items_duplicate_total, fresh.len() as u64 - new);
                // The batcher sets the exact depth on its next pass.
                s.metrics
                    .queue_depth
                    .inc_by(super::metrics::gauge_value(new));
                s.intake.notify_one();
                let mut rest = fresh.as_slice();
                for (reply, n) in replies.into_iter().zip(sizes) {
                    let (mine, after) = rest.split_at(n.min(rest.len()));
                    rest = after;
                    let _ = reply.send(Ok(mine.to_vec()));
                }
            }
            Ok(Err(e)) => answer_all(replies, &e.to_string()),
            Err(e) => answer_all(replies, &e.to_string()),
        }
    }
}

fn answer_all(replies: Vec<oneshot::Sender<Result<Vec<bool>, String>>>, why: &str) {
    tracing::error!("storing accepted items: {why}");
    for reply in replies {
        let _ = reply.send(Err(why.to_string()));
    }
}
