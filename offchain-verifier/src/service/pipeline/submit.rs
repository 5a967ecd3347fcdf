//! Submitting a co-signed batch exactly once: the transaction stored before it is sent,
//! its receipt settled, a stored one confirmed or sent again.

use crate::attest;
use crate::service::{
    chain::{outcome, AttestationError, ChainError},
    metrics::inc,
    store::{BatchRow, BatchState},
    wire::CosignRequest,
    Service,
};
use dynamis_deploy::{calls, calls::call_data, tx::Receipt};
use dynamis_proofs::Attestation;
use scale::Encode;
use std::sync::Arc;

/// Gets the batch co-signed by peers carrying enough stake and submits it; whether it was
/// sent.
pub(super) async fn cosign_and_submit(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
) -> anyhow::Result<bool> {
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
        let auth = crate::service::auth::sign_request(
            &s.key,
            &chain.attestations,
            "POST",
            "/cosign",
            &body,
        );
        weight = super::cosign::ask_peers(
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
    crate::service::failpoint::hit("cosigned");
    let data = call_data(calls::attestations::SUBMIT, (attestation, signatures));
    let store = &s.store;
    let receipt = chain
        .transact(chain.attestations, data, |tx| {
            store.set_state(id, BatchState::Sent { tx: tx.clone() })?;
            crate::service::failpoint::hit("submit-stored");
            Ok(())
        })
        .await;
    match receipt {
        Ok(receipt) => {
            crate::service::failpoint::hit("submit-included");
            settle_submit(s, id, row, receipt).await
        }
        // Stored but maybe not sent: `confirm` finds out on the next pass.
        Err(e) => Err(e.into()),
    }
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
pub(super) async fn confirm(
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
