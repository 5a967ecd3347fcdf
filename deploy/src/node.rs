//! The sandbox as a chain other code can share: one thread owns the runtime (drink's state is
//! not shared across threads), produces a block every `block_time`, and runs jobs sent to it.
//! Signed transactions go through [`Ledger::apply`], which checks signature and nonce and keeps
//! every receipt, as a node would.

use crate::{
    calls::account,
    sandbox::{CallError, Called, Runtime},
    tx::{Event, Receipt, SignedTx},
};
use std::{
    collections::HashMap,
    sync::mpsc,
    time::{Duration, Instant},
};

/// The chain state the sandbox thread owns.
pub struct Ledger {
    pub chain: Runtime,
    nonces: HashMap<[u8; 32], u64>,
    receipts: HashMap<[u8; 32], Receipt>,
}

/// Why a transaction was not included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    #[error("bad signature")]
    BadSignature,
    #[error("nonce {got} is stale: the next one of this signer is {expected}")]
    Stale { got: u64, expected: u64 },
    #[error("nonce {got} is in the future: the next one of this signer is {expected}")]
    Future { got: u64, expected: u64 },
}

impl Ledger {
    fn new() -> Self {
        Self {
            chain: Runtime::new(),
            nonces: HashMap::new(),
            receipts: HashMap::new(),
        }
    }

    /// The next nonce of `signer`.
    pub fn nonce(&self, signer: &[u8; 32]) -> u64 {
        self.nonces.get(signer).copied().unwrap_or(0)
    }

    /// The receipt of an included transaction.
    pub fn receipt(&self, hash: &[u8; 32]) -> Option<Receipt> {
        self.receipts.get(hash).cloned()
    }

    /// Includes `tx` in the current block; a transaction included before is answered with
    /// its receipt and not run again.
    pub fn apply(&mut self, tx: SignedTx) -> Result<Receipt, TxError> {
        let hash = tx.hash();
        if let Some(receipt) = self.receipts.get(&hash) {
            return Ok(receipt.clone());
        }
        if !tx.verify() {
            return Err(TxError::BadSignature);
        }
        let expected = self.nonce(&tx.tx.signer);
        if tx.tx.nonce < expected {
            return Err(TxError::Stale {
                got: tx.tx.nonce,
                expected,
            });
        }
        if tx.tx.nonce > expected {
            return Err(TxError::Future {
                got: tx.tx.nonce,
                expected,
            });
        }
        self.nonces.insert(tx.tx.signer, expected.saturating_add(1));
        let block = self.chain.block();
        let called = self.chain.call_raw(
            account(tx.tx.contract),
            account(tx.tx.signer),
            tx.tx.data.clone(),
        );
        let receipt = receipt_of(hash, block, called);
        self.receipts.insert(hash, receipt.clone());
        Ok(receipt)
    }
}

fn receipt_of(hash: [u8; 32], block: u32, called: Result<Called<Vec<u8>>, CallError>) -> Receipt {
    match called {
        Ok(called) => Receipt {
            hash,
            block,
            data: called.value,
            reverted: called.reverted,
            dispatch_error: None,
            unknown: None,
            events: called
                .events
                .into_iter()
                .map(|e| Event {
                    contract: crate::calls::raw(&e.contract),
                    topics: e.topics,
                    data: e.data,
                })
                .collect(),
        },
        Err(e) => Receipt {
            hash,
            block,
            data: Vec::new(),
            reverted: true,
            dispatch_error: Some(format!("{e:?}")),
            unknown: None,
            events: Vec::new(),
        },
    }
}

type Job = Box<dyn FnOnce(&mut Ledger) + Send>;

/// A handle on the sandbox thread; clones share the one chain.
#[derive(Clone)]
pub struct SandboxNode {
    jobs: mpsc::Sender<Job>,
}

/// The sandbox thread has stopped (it panicked or was shut down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sandbox chain has stopped")]
pub struct Stopped;

impl SandboxNode {
    /// Starts a fresh chain producing a block every `block_time` (never if zero: blocks then
    /// move only by [`Ledger::chain`]'s `advance`).
    pub fn start(block_time: Duration) -> Self {
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sandbox-chain".into())
            .spawn(move || run(inbox, block_time))
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!("cannot start the sandbox thread: {e}"));
        Self { jobs }
    }

    /// Runs `job` on the chain and waits for its result.
    pub fn with<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Ledger) -> R + Send + 'static,
    ) -> Result<R, Stopped> {
        let (reply, answer) = mpsc::channel();
        self.jobs
            .send(Box::new(move |ledger: &mut Ledger| {
                let _ = reply.send(job(ledger));
            }))
            .map_err(|_| Stopped)?;
        answer.recv().map_err(|_| Stopped)
    }
}

fn run(inbox: mpsc::Receiver<Job>, block_time: Duration) {
    let mut ledger = Ledger::new();
    let mut next_block = Instant::now() + block_time;
    loop {
        let job = if block_time.is_zero() {
            inbox
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else {
            inbox.recv_timeout(next_block.saturating_duration_since(Instant::now()))
        };
        match job {
            Ok(job) => job(&mut ledger),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if !block_time.is_zero() {
            while Instant::now() >= next_block {
                ledger.chain.advance(1);
                next_block += block_time;
            }
        }
    }
}
