//! Verdicts for a list of items: each kind in parallel batches over all cores; a batch that
//! fails is split in halves until the bad items stand alone, so a verdict always equals the
//! item's single verification.

use crate::crypto::Native;
use dynamis_proofs::{check, Check, Item, Kind, Verdict};
use rayon::prelude::*;

/// Fewest items per batch handed to one core.
pub const MIN_BATCH: usize = 64;
/// Most items per batch: bounds the work a failing batch's bisection repeats.
pub const MAX_BATCH: usize = 8192;

/// Items per batch for `n` items: one batch per core (batch verification gains the most from
/// large batches, and ed25519-zebra coalesces signatures by the same key), within
/// [`MIN_BATCH`]..=[`MAX_BATCH`].
pub fn batch_size(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().max(1))
        .clamp(MIN_BATCH, MAX_BATCH)
}

/// Verifies `items`; the verdicts come back in the same order.
pub fn verify_all(items: &[Item]) -> Vec<Verdict> {
    let mut verdicts = vec![Verdict::Invalid; items.len()];
    for kind in Kind::ALL {
        let positions: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].kind() == kind)
            .collect();
        let results: Vec<bool> = match kind {
            Kind::Ed25519 => batched(
                &positions,
                items,
                ed25519::prepare,
                ed25519::batch,
                ed25519::single,
            ),
            Kind::Sr25519 => batched(
                &positions,
                items,
                sr25519::prepare,
                sr25519::batch,
                sr25519::single,
            ),
            Kind::Ecdsa | Kind::Inclusion | Kind::HashChain => positions
                .par_iter()
                .map(|&i| check::<Native>(&items[i]) == Check::Valid)
                .collect(),
        };
        for (&i, ok) in positions.iter().zip(results) {
            verdicts[i] = Verdict::of(ok);
        }
    }
    verdicts
}

/// Prepares every item (`None`: cannot even be decoded, so invalid), then checks the
/// decodable ones in chunks of [`batch_size`] in parallel with [`bisect`].
fn batched<P: Send + Sync>(
    positions: &[usize],
    items: &[Item],
    prepare: fn(&Item) -> Option<P>,
    batch: fn(&[P]) -> bool,
    single: fn(&P) -> bool,
) -> Vec<bool> {
    let prepared: Vec<Option<P>> = positions.par_iter().map(|&i| prepare(&items[i])).collect();
    // Undecodable items stay invalid; the rest are moved (not copied) into one list.
    let (at, good): (Vec<usize>, Vec<P>) = prepared
        .into_iter()
        .enumerate()
        .filter_map(|(j, p)| p.map(|p| (j, p)))
        .unzip();
    let mut ok = vec![false; good.len()];
    let size = batch_size(good.len());
    ok.par_chunks_mut(size)
        .zip(good.par_chunks(size))
        .for_each(|(out, chunk)| bisect(chunk, &batch, &single, out));
    let mut results = vec![false; positions.len()];
    for (j, v) in at.into_iter().zip(ok) {
        results[j] = v;
    }
    results
}

/// Fills `out[i]` with whether `items[i]` verifies alone, using as few batch checks as the
/// failures allow: a passing batch settles all its items, a failing one is halved.
pub fn bisect<P: Sync>(
    items: &[P],
    batch: &(impl Fn(&[P]) -> bool + Sync),
    single: &(impl Fn(&P) -> bool + Sync),
    out: &mut [bool],
) {
    match items {
        [] => {}
        [only] => out[0] = single(only),
        _ if batch(items) => out.fill(true),
        _ => {
            let mid = items.len() / 2;
            let (left, right) = items.split_at(mid);
            let (out_left, out_right) = out.split_at_mut(mid);
            rayon::join(
                || bisect(left, batch, single, out_left),
                || bisect(right, batch, single, out_right),
            );
        }
    }
}

pub mod ed25519 {
    //! ed25519 with ed25519-zebra (ZIP-215): batch results equal single results.
    use dynamis_proofs::Item;
    use ed25519_zebra::{batch, Signature, VerificationKeyBytes};

    pub fn prepare(item: &Item) -> Option<batch::Item> {
        match item {
            Item::Ed25519 {
                public,
                signature,
                message,
            } => Some(batch::Item::from((
                VerificationKeyBytes::from(*public),
                Signature::from(*signature),
                message,
            ))),
            _ => None,
        }
    }

    pub fn batch(items: &[batch::Item]) -> bool {
        let mut verifier = batch::Verifier::new();
        for item in items {
            verifier.queue(item.clone());
        }
        verifier.verify(rand::thread_rng()).is_ok()
    }

    pub fn single(item: &batch::Item) -> bool {
        item.clone().verify_single().is_ok()
    }
}

pub mod sr25519 {
    //! sr25519 with schnorrkel under the signing context "substrate" (as sp-core).
    use dynamis_proofs::Item;
    use schnorrkel::{PublicKey, Signature};

    /// The signing context of Substrate's sr25519.
    pub const CONTEXT: &[u8] = b"substrate";

    pub struct Prepared {
        public: PublicKey,
        signature: Signature,
        message: Vec<u8>,
    }

    pub fn prepare(item: &Item) -> Option<Prepared> {
        match item {
            Item::Sr25519 {
                public,
                signature,
                message,
            } => Some(Prepared {
                public: PublicKey::from_bytes(public).ok()?,
                signature: Signature::from_bytes(signature).ok()?,
                message: message.clone(),
            }),
            _ => None,
        }
    }

    pub fn batch(items: &[Prepared]) -> bool {
        let context = schnorrkel::signing_context(CONTEXT);
        let transcripts = items.iter().map(|p| context.bytes(&p.message));
        let signatures: Vec<Signature> = items.iter().map(|p| p.signature).collect();
        let publics: Vec<PublicKey> = items.iter().map(|p| p.public).collect();
        schnorrkel::verify_batch(transcripts, &signatures, &publics, false).is_ok()
    }

    pub fn single(p: &Prepared) -> bool {
        p.public
            .verify_simple(CONTEXT, &p.message, &p.signature)
            .is_ok()
    }
}
