//! From the queue to finality: the batcher closes batches on size or age and verifies them;
//! the driver gets each batch co-signed, submits it exactly once, and finalises it.

mod batcher;
mod cosign;
mod finality;
mod submit;

pub use batcher::{batcher, close_batch, pruner};

use super::{
    chain::outcome,
    metrics::inc,
    retry::Backoff,
    store::{BatchRow, BatchState},
    Service,
};
use crate::attest;
use dynamis_deploy::{calls, calls::call_data};
use std::{sync::Arc, time::Duration};

/// Moves every open batch on, forever. A failure of the pass itself (the chain unreachable,
/// onboarding) pauses the driver with backoff; a failure of one batch pauses that batch only
/// (its own backoff), and the others go on.
pub async fn driver(s: Arc<Service>) {
    let mut backoff = Backoff::new(&s.config.retry);
    let mut waiting = Waiting::default();
    let mut clock = super::clock::BlockClock::default();
    let idle = Duration::from_millis(s.config.watch.poll_ms.clamp(50, 1_000));
    loop {
        match drive_once(&s, &mut waiting).await {
            Ok(pass) => {
                backoff.reset();
                clock.observe(pass.head, pass.read_at);
                if !pass.moved {
                    // Woken when the block that closes the next window is due, not a poll
                    // later; a new batch or a waiting batch's retry wakes it sooner.
                    let until_block = clock.pause(pass.awaits, std::time::Instant::now(), idle);
                    let pause = waiting
                        .soonest()
                        .map_or(until_block, |d| d.min(until_block));
                    tokio::select! {
                        _ = s.driver_wake.notified() => {}
                        _ = tokio::time::sleep(pause) => {}
                    }
                }
            }
            Err(e) => {
                inc(&s.metrics.c.chain_errors_total, 1);
                let pause = backoff.next_pause();
                tracing::warn!("driver: {e:#}; retrying in {pause:?}");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// Batches whose last step failed, each with its own backoff and the time it may be tried
/// again.
#[derive(Default)]
pub struct Waiting {
    batches: std::collections::BTreeMap<u64, (Backoff, std::time::Instant)>,
}

impl Waiting {
    fn ready(&self, id: u64) -> bool {
        self.batches
            .get(&id)
            .is_none_or(|(_, at)| *at <= std::time::Instant::now())
    }

    /// Batch `id` failed: the pause before it is tried again.
    fn failed(&mut self, s: &Service, id: u64) -> Duration {
        let retry = &s.config.retry;
        let entry = self
            .batches
            .entry(id)
            .or_insert_with(|| (Backoff::new(retry), std::time::Instant::now()));
        let pause = entry.0.next_pause();
        entry.1 = std::time::Instant::now() + pause;
        pause
    }

    fn succeeded(&mut self, id: u64) {
        self.batches.remove(&id);
    }

    /// How long until the next waiting batch may be tried.
    fn soonest(&self) -> Option<Duration> {
        let now = std::time::Instant::now();
        self.batches
            .values()
            .map(|(_, at)| at.saturating_duration_since(now))
            .min()
    }
}

/// What one pass of the driver did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Whether any batch moved.
    pub moved: bool,
    /// The head at the start of the pass, and when it was read.
    pub head: u32,
    pub read_at: std::time::Instant,
    /// The first block after the earliest challenge window still open among the attested
    /// batches: when the next one may be finalised.
    pub awaits: Option<u32>,
}

/// One pass over the open batches. An error here is the pass's own (the chain, onboarding);
/// each batch's errors are its own, logged, counted and backed off.
pub async fn drive_once(s: &Arc<Service>, waiting: &mut Waiting) -> anyhow::Result<Pass> {
    if !s.onboarded.load(std::sync::atomic::Ordering::Relaxed) {
        onboard(s).await?;
        s.onboarded
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    // The block at the start of the pass: attestations whose window cannot have closed by
    // then are not even looked up.
    let now = s.chain.block().await?;
    let mut pass = Pass {
        moved: false,
        head: now,
        read_at: std::time::Instant::now(),
        awaits: None,
    };
    let window = s.chain.params.challenge_window_blocks;
    for id in s.store.open_batches()? {
        if !waiting.ready(id) {
            continue;
        }
        let Some(row) = s.store.batch(id)? else {
            continue;
        };
        if let BatchState::Attested { block, .. } = row.state {
            let closes = finalisable_from(block, window);
            if closes > now {
                pass.awaits = Some(pass.awaits.map_or(closes, |b| b.min(closes)));
            }
        }
        match step(s, id, &row, now).await {
            Ok(moved) => {
                waiting.succeeded(id);
                pass.moved |= moved;
            }
            Err(e) => {
                inc(&s.metrics.c.batch_errors_total, 1);
                let pause = waiting.failed(s, id);
                tracing::warn!(batch = id, "{e:#}; this batch again in {pause:?}");
            }
        }
    }
    // Batches closed during the pass are picked up by the next one.
    Ok(pass)
}

/// The first block at which an attestation submitted at `block` may be finalised: the one after
/// its challenge window.
fn finalisable_from(block: u32, window: u32) -> u32 {
    block.saturating_add(window).saturating_add(1)
}

/// Moves batch `id` one step on; whether it moved.
async fn step(s: &Arc<Service>, id: u64, row: &BatchRow, now: u32) -> anyhow::Result<bool> {
    let window = s.chain.params.challenge_window_blocks;
    let answerable = window.saturating_add(s.chain.params.answer_window_blocks);
    Ok(match row.state.clone() {
        BatchState::Verified => submit::cosign_and_submit(s, id, row).await?,
        BatchState::Sent { tx } => submit::confirm(s, id, row, tx).await?,
        BatchState::Attested { id: att, block, .. } => {
            // Data requests can be open until the window and its answer period are over.
            let mut moved = false;
            if block.saturating_add(answerable) >= now {
                moved |= finality::answer_requests(s, id, att).await?;
            }
            if finalisable_from(block, window) <= now {
                moved |= finality::finality(s, id, row, att).await?;
            }
            moved
        }
        _ => false,
    })
}

/// Bonds (if allowed) and registers the co-signing key, unless that is done already.
async fn onboard(s: &Arc<Service>) -> anyhow::Result<()> {
    let chain = &s.chain;
    let key = attest::public_key(&s.key);
    if chain.key_of(chain.me).await? == Some(key) {
        return Ok(());
    }
    if !chain.is_bonded(chain.me).await? {
        anyhow::ensure!(
            s.config.bond_dyn > 0,
            "the account has no verifier bond and bond_dyn is 0: bond it first"
        );
        let amount = u128::from(s.config.bond_dyn).saturating_mul(bonding::ONE_DYN);
        let receipt = chain
            .transact(
                chain.token,
                call_data(
                    calls::token::APPROVE,
                    (calls::account(chain.bonding), amount),
                ),
                |_| Ok(()),
            )
            .await?;
        outcome::<Result<(), dynamis_shared::PSP22Error>>(&receipt)
            .map_err(anyhow::Error::msg)?
            .map_err(|e| anyhow::anyhow!("approving the bond: {e:?}"))?;
        let receipt = chain
            .transact(
                chain.bonding,
                call_data(
                    calls::bonding::BOND,
                    (dynamis_shared::Role::Verifier, amount),
                ),
                |_| Ok(()),
            )
            .await?;
        outcome::<Result<(), dynamis_shared::BondingError>>(&receipt)
            .map_err(anyhow::Error::msg)?
            .map_err(|e| anyhow::anyhow!("bonding: {e:?}"))?;
        tracing::info!(dyn_ = s.config.bond_dyn, "bonded as a verifier");
    }
    chain.register_key(&s.key).await?;
    tracing::info!(key = %dynamis_deploy::hex::encode(key), "co-signing key registered");
    Ok(())
}
