//! From the queue to finality: the batcher closes batches on size or age and verifies them;
//! the driver gets each batch co-signed, submits it exactly once, and finalises it.

use super::{
    chain::{outcome, AttestationError, ChainError, Status},
    now_ms,
    retry::Backoff,
    store::{BatchRow, BatchState},
    wire::{self, CosignRequest, CosignResponse},
    Service,
};
use crate::{attest, Batch, Item, Verdict};
use dynamis_deploy::{calls, calls::call_data, tx::Receipt};
use dynamis_proofs::Attestation;
use scale::{Decode, Encode};
use std::{collections::HashMap, sync::Arc, time::Duration};

use super::metrics::inc;

/// Closes batches as they become due, forever.
pub async fn batcher(s: Arc<Service>) {
    let tick = Duration::from_millis(s.config.batch.max_wait_ms.clamp(10, 100));
    loop {
        match close_batch(&s).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!("closing a batch: {e:#}"),
        }
        tokio::select! {
            _ = s.intake.notified() => {}
            _ = tokio::time::sleep(tick) => {}
        }
    }
}

/// Drops the items of finished batches past their retention, forever (`retain`).
pub async fn pruner(s: Arc<Service>) {
    let every = Duration::from_millis(s.config.retain.every_ms.max(100));
    loop {
        tokio::time::sleep(every).await;
        let cutoff = now_ms().saturating_sub(s.config.retain.final_ms);
        let service = s.clone();
        match tokio::task::spawn_blocking(move || service.store.prune(cutoff, 1_000)).await {
            Ok(Ok((0, _))) => {}
            Ok(Ok((batches, items))) => {
                inc(&s.metrics.c.items_pruned_total, items);
                tracing::info!(
                    batches,
                    items,
                    "pruned finished batches past their retention"
                );
            }
            Ok(Err(e)) => tracing::error!("pruning: {e}"),
            Err(e) => tracing::error!("pruning: {e}"),
        }
    }
}

/// What closing a batch did: the batch (id, items, valid items), and the queue entries
/// quarantined on the way.
struct Closed {
    batch: Option<(u64, u64, u64)>,
    quarantined: u64,
}

/// Verifies and records the next batch if one is due; whether it did.
pub async fn close_batch(s: &Arc<Service>) -> anyhow::Result<bool> {
    let (queued, oldest) = s.store.queue_state()?;
    s.metrics
        .queue_depth
        .set(super::metrics::gauge_value(queued));
    let max = s.config.batch.max_items.max(1);
    let waited = oldest.map_or(0, |t| now_ms().saturating_sub(t));
    let due = queued >= max as u64 || (queued > 0 && waited >= s.config.batch.max_wait_ms);
    if !due {
        return Ok(false);
    }
    let service = s.clone();
    let max_bytes = s.config.batch.max_bytes.max(1);
    let closed = tokio::task::spawn_blocking(move || -> anyhow::Result<Closed> {
        let s = service;
        let peeked = s.store.peek_queue(max, max_bytes)?;
        let mut bad = peeked.bad;
        let mut entries = Vec::with_capacity(peeked.items.len());
        let mut items = Vec::with_capacity(peeked.items.len());
        for (seq, digest, row) in peeked.items {
            match Item::decode(&mut &row.item[..]) {
                Ok(item) => {
                    items.push(item);
                    entries.push((seq, digest, row));
                }
                Err(e) => bad.push((seq, digest.to_vec(), format!("item undecodable: {e}"))),
            }
        }
        // An entry that cannot be read never stops the batches behind it: it leaves the
        // queue for the quarantine table, reported, and the rest is batched.
        if !bad.is_empty() {
            s.store.quarantine(&bad)?;
            for (seq, digest, why) in &bad {
                tracing::error!(
                    seq,
                    digest = %dynamis_deploy::hex::encode(digest),
                    "queued entry quarantined: {why}"
                );
            }
        }
        let quarantined = bad.len() as u64;
        if items.is_empty() {
            return Ok(Closed {
                batch: None,
                quarantined,
            });
        }
        // The digests computed at intake (the queue's keys) are not computed again.
        let digests = entries.iter().map(|(_, digest, _)| *digest).collect();
        let batch = Batch::verify_digested(items, digests);
        // In batch order, as the digests.
        let received = batch
            .order
            .iter()
            .map(|&i| entries[i].2.received_ms)
            .collect();
        let (row, batch_items) = super::store::batch_record(&batch, s.regime, now_ms(), received);
        let seqs: Vec<u64> = entries.iter().map(|(seq, _, _)| *seq).collect();
        let id = s
            .store
            .commit_batch(&seqs, &row, &batch_items, batch.tree.levels_below_root())?;
        drop(batch);
        super::failpoint::hit("batch-committed");
        Ok(Closed {
            batch: Some((id, row.items, row.valid.iter().sum::<u64>())),
            quarantined,
        })
    })
    .await??;
    inc(&s.metrics.c.items_quarantined_total, closed.quarantined);
    let Some((id, items, valid)) = closed.batch else {
        return Ok(true);
    };
    inc(&s.metrics.c.batches_total, 1);
    inc(&s.metrics.c.items_verified_total, items);
    inc(&s.metrics.c.items_rejected_total, items - valid);
    tracing::info!(batch = id, items, valid, "batch verified");
    s.driver_wake.notify_one();
    Ok(true)
}

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
        BatchState::Verified => cosign_and_submit(s, id, row).await?,
        BatchState::Sent { tx } => confirm(s, id, row, tx).await?,
        BatchState::Attested { id: att, block, .. } => {
            // Data requests can be open until the window and its answer period are over.
            let mut moved = false;
            if block.saturating_add(answerable) >= now {
                moved |= answer_requests(s, id, att).await?;
            }
            if finalisable_from(block, window) <= now {
                moved |= finality(s, id, row, att).await?;
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

/// Gets the batch co-signed by peers carrying enough stake and submits it; whether it was
/// sent.
async fn cosign_and_submit(s: &Arc<Service>, id: u64, row: &BatchRow) -> anyhow::Result<bool> {
    let chain = &s.chain;
    let epoch = chain.current_epoch().await?;
    let required = chain.required_weight().await?;
    let attestation = Attestation {
        epoch,
        root: row.root,
        items: row.items,
        valid: row.valid,
        regime: row.regime,
    };
    let mut signatures = vec![attest::sign(&s.key, &chain.attestations, &attestation)];
    let mut weight = chain.weight_of(chain.me).await?;
    if weight < required {
        let digests = s
            .store
            .batch_items(id)?
            .ok_or_else(|| anyhow::anyhow!("batch {id} has no items"))?
            .digests;
        let request = CosignRequest {
            attestation: attestation.clone(),
            items: s.store.items(&digests)?,
        };
        let body = axum::body::Bytes::from(request.encode());
        let auth = super::auth::sign_request(&s.key, &chain.attestations, "POST", "/cosign", &body);
        weight = ask_peers(
            s,
            id,
            &body,
            &auth,
            &attestation,
            weight,
            required,
            &mut signatures,
        )
        .await?;
    }
    if weight < required {
        inc(&s.metrics.c.cosign_missing_total, 1);
        anyhow::bail!(
            "batch {id}: co-signatures carry {weight} of the {required} stake needed; will ask again"
        );
    }
    super::failpoint::hit("cosigned");
    let data = call_data(calls::attestations::SUBMIT, (attestation, signatures));
    let store = &s.store;
    let receipt = chain
        .transact(chain.attestations, data, |tx| {
            store.set_state(id, BatchState::Sent { tx: tx.clone() })?;
            super::failpoint::hit("submit-stored");
            Ok(())
        })
        .await;
    match receipt {
        Ok(receipt) => {
            super::failpoint::hit("submit-included");
            settle_submit(s, id, row, receipt).await
        }
        // Stored but maybe not sent: `confirm` finds out on the next pass.
        Err(e) => Err(e.into()),
    }
}

/// Peers in the order they are asked, each with the stake it is counted on: those whose
/// account is proven (their `/health` challenge; an unknown one is identified first, for at
/// most the hedge delay) by stake, largest first; a peer still unknown comes last and is
/// counted on for nothing (asked only when the others do not carry the threshold, or as a
/// hedge).
async fn ask_order(s: &Arc<Service>, hedge: Duration) -> Vec<(String, Option<[u8; 32]>, u128)> {
    let known: HashMap<String, [u8; 32]> = s
        .peer_accounts
        .lock()
        .await
        .iter()
        .map(|(account, url)| (url.clone(), *account))
        .collect();
    let unknown: Vec<&String> = s
        .config
        .peers
        .iter()
        .filter(|p| !known.contains_key(*p))
        .collect();
    let found = futures::future::join_all(unknown.iter().map(|peer| async move {
        match tokio::time::timeout(hedge, super::watch::identify(s, peer)).await {
            Ok(Ok(account)) => Some(((*peer).clone(), account)),
            _ => None,
        }
    }))
    .await;
    let mut accounts = known;
    for (peer, account) in found.into_iter().flatten() {
        s.peer_accounts.lock().await.insert(account, peer.clone());
        accounts.insert(peer, account);
    }
    let mut order = Vec::with_capacity(s.config.peers.len());
    for peer in &s.config.peers {
        let account = accounts.get(peer).copied();
        let stake = match account {
            Some(account) => s.chain.weight_of(account).await.unwrap_or(0),
            None => 0,
        };
        order.push((peer.clone(), account, stake));
    }
    // Stable: peers of equal stake keep the configured order.
    order.sort_by(|a, b| b.2.cmp(&a.2));
    order
}

/// Asks peers for co-signatures until `weight` (this verifier's own, and each counted signer's)
/// reaches `required`: first only as many as their known stakes need, then one more each time
/// a wave fails or gives no answer within the hedge delay. Answers still on their way when the
/// stake is reached are dropped unread. The weight reached.
#[allow(clippy::too_many_arguments)]
async fn ask_peers(
    s: &Arc<Service>,
    id: u64,
    body: &axum::body::Bytes,
    auth: &str,
    attestation: &Attestation,
    mut weight: u128,
    required: u128,
    signatures: &mut Vec<[u8; 65]>,
) -> anyhow::Result<u128> {
    use futures::stream::{FuturesUnordered, StreamExt};
    let chain = &s.chain;
    let hedge = Duration::from_millis(s.config.batch.cosign_hedge_ms.max(1));
    let order = ask_order(s, hedge).await;
    // Each account counts once, this verifier's own included: a peer relaying another's
    // signature (or its own twice) adds nothing, and the contract would refuse the batch.
    let mut counted = std::collections::BTreeSet::from([chain.me]);
    let mut asked = FuturesUnordered::new();
    let (mut next, mut expected) = (0usize, weight);
    let ask = |i: usize| {
        let peer = order[i].0.clone();
        async move {
            inc(&s.metrics.c.cosign_asked_total, 1);
            let answer = ask_peer(s, &peer, body.clone(), auth, attestation).await;
            (i, peer, answer)
        }
    };
    loop {
        while weight < required && expected < required && next < order.len() {
            asked.push(ask(next));
            expected = expected.saturating_add(order[next].2);
            next += 1;
        }
        if weight >= required || asked.is_empty() {
            break;
        }
        let answered = tokio::select! {
            answered = asked.next() => answered,
            _ = tokio::time::sleep(hedge) => {
                // No answer in time: one more peer besides those on their way.
                if next < order.len() {
                    asked.push(ask(next));
                    expected = expected.saturating_add(order[next].2);
                    next += 1;
                }
                continue;
            }
        };
        let Some((i, peer, answer)) = answered else {
            break;
        };
        match answer {
            Ok((signature, signer)) => {
                let known = s.peer_accounts.lock().await.get(&signer).cloned();
                let foreign = known.as_deref().is_some_and(|url| url != peer.as_str());
                if foreign || !counted.insert(signer) {
                    s.metrics.refuse_peer(&peer);
                    tracing::warn!(
                        batch = id,
                        peer = %peer,
                        signer = %dynamis_deploy::hex::encode(signer),
                        "co-signature dropped: its signer is another peer or already counted"
                    );
                    expected = expected.saturating_sub(order[i].2);
                    continue;
                }
                // The stake read for the asking order is the signer's when the peer signed as
                // the account it proved; another signer's is read now.
                let stake = match order[i].1 {
                    Some(account) if account == signer => order[i].2,
                    _ => chain.weight_of(signer).await?,
                };
                // What it was counted on gives way to what it carries.
                expected = expected.saturating_sub(order[i].2).saturating_add(stake);
                weight = weight.saturating_add(stake);
                signatures.push(signature);
            }
            Err(PeerAnswer::Bad(e)) => {
                s.metrics.refuse_peer(&peer);
                tracing::warn!(batch = id, peer = %peer, "co-signature dropped: {e:#}");
                expected = expected.saturating_sub(order[i].2);
            }
            Err(PeerAnswer::None(e)) => {
                tracing::warn!(batch = id, peer = %peer, "no co-signature: {e:#}");
                expected = expected.saturating_sub(order[i].2);
            }
        }
    }
    Ok(weight)
}

/// Why a peer gave no co-signature: it refused or could not be reached (`None`), or it
/// answered with something that is no good signature (`Bad`: counted against the peer).
enum PeerAnswer {
    None(anyhow::Error),
    Bad(anyhow::Error),
}

/// The most of a peer's answer that is read (a co-signature is a few hundred bytes).
const MAX_PEER_ANSWER: usize = 64 << 10;

/// A peer's co-signature of `attestation` and the account whose registered key made it (the
/// signature is recovered here, as the contract will: what the peer says it is counts for
/// nothing). The request is signed with this verifier's co-signing key (`auth`).
async fn ask_peer(
    s: &Service,
    peer: &str,
    request: axum::body::Bytes,
    auth: &str,
    attestation: &Attestation,
) -> Result<([u8; 65], [u8; 32]), PeerAnswer> {
    let none = |e: anyhow::Error| PeerAnswer::None(e);
    let bad = |e: anyhow::Error| PeerAnswer::Bad(e);
    let response = s
        .http
        .post(format!("{}/cosign", peer.trim_end_matches('/')))
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .header(super::auth::PEER_HEADER, auth)
        .body(request)
        .send()
        .await
        .map_err(|e| none(e.into()))?;
    let status = response.status();
    let body = wire::read_bounded(response, MAX_PEER_ANSWER)
        .await
        .map_err(|e| bad(e.context(format!("{peer}'s answer"))))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        return Err(none(anyhow::anyhow!("{peer} refused ({status}): {text}")));
    }
    let signature = serde_json::from_slice::<CosignResponse>(&body)
        .map_err(|e| bad(anyhow::anyhow!("{peer}'s answer is no co-signature: {e}")))?
        .signature;
    let key =
        attest::signer_of(&signature, &s.chain.attestations, attestation).ok_or_else(|| {
            bad(anyhow::anyhow!(
                "{peer} sent a signature that recovers no key"
            ))
        })?;
    let signer = s
        .chain
        .owner_of(key)
        .await
        .map_err(|e| none(e.into()))?
        .ok_or_else(|| {
            bad(anyhow::anyhow!(
                "{peer} signed with a key no verifier registered"
            ))
        })?;
    if signer == s.chain.me {
        return Err(bad(anyhow::anyhow!(
            "{peer} returned this verifier's own signature"
        )));
    }
    Ok((signature, signer))
}

/// Records what including the submit transaction did.
async fn settle_submit(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
    receipt: Receipt,
) -> anyhow::Result<bool> {
    let att = match outcome::<Result<u64, AttestationError>>(&receipt) {
        Ok(Ok(att)) => {
            inc(&s.metrics.c.attestations_submitted_total, 1);
            att
        }
        // Included before (by this very transaction, or another with the same root).
        Ok(Err(AttestationError::DuplicateBatch)) => s
            .chain
            .id_of_root(row.root)
            .await?
            .ok_or_else(|| anyhow::anyhow!("duplicate batch without an id"))?,
        Ok(Err(
            e @ (AttestationError::StaleEpoch
            | AttestationError::FutureEpoch
            | AttestationError::TooFewSignatures
            | AttestationError::UnknownSigner
            | AttestationError::UnbondedSigner
            | AttestationError::InvalidSignature
            | AttestationError::DuplicateSigner),
        )) => {
            // Co-signed again after this batch's backoff, not at once: a refusal that repeats
            // must not turn into a loop of paid transactions.
            s.store.set_state(id, BatchState::Verified)?;
            anyhow::bail!("submit refused ({e:?}); co-signing again");
        }
        Ok(Err(e)) => {
            tracing::error!(batch = id, "submit refused for good: {e:?}");
            let reason = format!("{e:?}");
            s.store.set_state(id, BatchState::Failed { reason })?;
            inc(&s.metrics.c.items_failed_total, row.items);
            return Ok(true);
        }
        Err(reason) => match s.chain.id_of_root(row.root).await? {
            // Included, though the receipt could not say what it returned (a node's receipt
            // whose return data could not be replayed): the registry knows the id.
            Some(att) => att,
            // Refused for a reason the receipt cannot name: co-sign and submit again (a
            // refusal that stands is named then, its block permitting).
            None if receipt.unknown.is_some() && receipt.reverted => {
                s.store.set_state(id, BatchState::Verified)?;
                anyhow::bail!("submit refused ({reason}); co-signing again");
            }
            None => {
                tracing::error!(batch = id, "submit failed: {reason}");
                s.store.set_state(id, BatchState::Failed { reason })?;
                inc(&s.metrics.c.items_failed_total, row.items);
                return Ok(true);
            }
        },
    };
    let attested = BatchState::Attested {
        id: att,
        block: receipt.block,
        tx: receipt.hash,
    };
    s.store.set_state(id, attested)?;
    tracing::info!(
        batch = id,
        attestation = att,
        block = receipt.block,
        "attested"
    );
    Ok(true)
}

/// A stored submit transaction: included (record it), or sent again.
async fn confirm(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
    tx: dynamis_deploy::link::Signed,
) -> anyhow::Result<bool> {
    if let Some(receipt) = s.chain.receipt(&tx).await? {
        return settle_submit(s, id, row, receipt).await;
    }
    match s.chain.resend(&tx).await {
        Ok(receipt) => {
            // Counted once the chain took it, not when it was tried.
            inc(&s.metrics.c.attestations_resent_total, 1);
            tracing::info!(
                batch = id,
                "stored submit transaction sent again and included"
            );
            settle_submit(s, id, row, receipt).await
        }
        Err(ChainError::Client(e)) if !e.is_transient() => {
            inc(&s.metrics.c.attestations_rebuilt_total, 1);
            // The nonce went to another transaction and this one was never included: it can
            // never be now. Co-sign and submit anew (the contract's duplicate check stays).
            tracing::warn!(
                batch = id,
                "stored transaction refused ({e}); submitting anew"
            );
            s.store.set_state(id, BatchState::Verified)?;
            Ok(true)
        }
        Err(e) => Err(e.into()),
    }
}

/// Answers every open data request on an own attestation with the item, its verdict and its
/// inclusion proof, from the store (a batch nobody answers for is rejected and its co-signers
/// slashed). Whether it answered any.
async fn answer_requests(s: &Arc<Service>, id: u64, att: u64) -> anyhow::Result<bool> {
    let chain = &s.chain;
    let Some(record) = chain.attestation(att).await? else {
        return Ok(false);
    };
    if record.requests.is_empty() {
        return Ok(false);
    }
    let items = s
        .store
        .batch_items(id)?
        .ok_or_else(|| anyhow::anyhow!("batch {id} has no items"))?;
    let verdicts: Vec<Verdict> = items.valid.iter().map(|v| Verdict::of(*v)).collect();
    let digests = items.digests.clone();
    let tree =
        tokio::task::spawn_blocking(move || crate::batch::tree_of(&digests, &verdicts)).await?;
    let mut answered = false;
    for index in record.requests {
        let i = usize::try_from(index)?;
        let (Some(digest), Some(valid), Some(path)) =
            (items.digests.get(i), items.valid.get(i), tree.proof(index))
        else {
            tracing::error!(
                batch = id,
                attestation = att,
                index,
                "requested index not in the batch"
            );
            continue;
        };
        let bytes = s.store.items(&[*digest])?;
        let item = Item::decode(&mut &bytes[0][..])
            .map_err(|e| anyhow::anyhow!("stored item {index} of batch {id}: {e}"))?;
        let data = call_data(
            calls::attestations::ANSWER,
            (att, index, item, *valid, path),
        );
        let receipt = chain.transact(chain.attestations, data, |_| Ok(())).await?;
        match outcome::<Result<(), AttestationError>>(&receipt) {
            Ok(Ok(())) => {
                tracing::info!(
                    batch = id,
                    attestation = att,
                    index,
                    "data request answered"
                );
                answered = true;
            }
            // Someone else answered it meanwhile.
            Ok(Err(AttestationError::NoRequest)) => {}
            Ok(Err(e)) => tracing::error!(
                batch = id,
                attestation = att,
                index,
                "answer refused: {e:?}"
            ),
            Err(e) => tracing::warn!(batch = id, attestation = att, index, "answer: {e}"),
        }
    }
    Ok(answered)
}

/// Finalises an own attestation after its challenge window; records its fate.
async fn finality(s: &Arc<Service>, id: u64, row: &BatchRow, att: u64) -> anyhow::Result<bool> {
    let chain = &s.chain;
    // Finality is read at the finalized head (on a node: what no reorg takes back), once the
    // block that included the attestation is final.
    if let BatchState::Attested { block, .. } = &row.state {
        if chain.finalized_block().await? < *block {
            return Ok(false);
        }
    }
    let record = chain.final_attestation(att).await?;
    // The record must be this batch's: after a reorg (or a replaced transaction) the id may
    // name another batch's attestation, or none. The root decides: found under another id,
    // that is the batch's; found nowhere, the batch is co-signed and submitted again.
    if record.as_ref().map(|r| r.root) != Some(row.root) {
        inc(&s.metrics.c.attestations_moved_total, 1);
        return match chain.final_id_of_root(row.root).await? {
            Some(other) => {
                let block = chain
                    .final_attestation(other)
                    .await?
                    .map_or(0, |r| r.submitted_at);
                tracing::warn!(
                    batch = id,
                    was = att,
                    now = other,
                    "the batch's attestation is under another id"
                );
                let tx = match &row.state {
                    BatchState::Attested { tx, .. } => *tx,
                    _ => [0; 32],
                };
                s.store.set_state(
                    id,
                    BatchState::Attested {
                        id: other,
                        block,
                        tx,
                    },
                )?;
                Ok(true)
            }
            None => {
                tracing::warn!(
                    batch = id,
                    attestation = att,
                    "the batch's attestation is gone from the chain: submitting it again"
                );
                s.store.set_state(id, BatchState::Verified)?;
                Ok(true)
            }
        };
    }
    let Some(record) = record else {
        anyhow::bail!("attestation {att} of batch {id} is not on chain");
    };
    match record.status {
        Status::Final => {
            mark_final(s, id, att)?;
            Ok(true)
        }
        // A contest may be dismissed: the attestation is then back on its path to final.
        Status::Contested => Ok(false),
        Status::Rejected => {
            s.store.set_state(id, BatchState::Rejected { id: att })?;
            inc(&s.metrics.c.attestations_rejected_total, 1);
            tracing::warn!(batch = id, attestation = att, status = ?record.status, "attestation lost");
            Ok(true)
        }
        Status::Pending => {
            let from = finalisable_from(record.submitted_at, chain.params.challenge_window_blocks);
            if chain.block().await? < from {
                return Ok(false);
            }
            let receipt = chain
                .transact(
                    chain.attestations,
                    call_data(calls::attestations::FINALIZE, att),
                    |_| Ok(()),
                )
                .await?;
            match outcome::<Result<(), AttestationError>>(&receipt) {
                Ok(Ok(())) => {
                    mark_final(s, id, att)?;
                    Ok(true)
                }
                // Someone else finalised or proved it meanwhile, or a data request is still
                // open: read it again next pass.
                Ok(Err(
                    AttestationError::NotPending
                    | AttestationError::WindowOpen
                    | AttestationError::RequestsOpen,
                )) => Ok(false),
                Ok(Err(e)) => anyhow::bail!("finalize {att}: {e:?}"),
                Err(e) => anyhow::bail!("finalize {att}: {e}"),
            }
        }
    }
}

fn mark_final(s: &Service, id: u64, att: u64) -> anyhow::Result<()> {
    s.store.set_state(id, BatchState::Final { id: att })?;
    let now = now_ms();
    if let Some(items) = s.store.batch_items(id)? {
        for t in &items.received_ms {
            s.metrics.observe_ms(now.saturating_sub(*t));
        }
        inc(&s.metrics.c.items_final_total, items.digests.len() as u64);
    }
    inc(&s.metrics.c.attestations_final_total, 1);
    tracing::info!(batch = id, attestation = att, "final");
    Ok(())
}
