//! One asynchronous chain client over both chains the suite runs on: the sandbox through its
//! gateway (`http://…`) or a node (`ws://…`). Services sign a transaction with an explicit
//! nonce, store it, send it, and later find its receipt or send the same bytes again, the
//! same way on either chain.

use crate::{
    gateway::{Client, ClientError},
    substrate::{NodeClient, NodeTx},
    tx::{account_of, Receipt, SignedTx, Tx},
};
use scale::{Decode, Encode};
use sp_core::sr25519;

/// A signed transaction, as stored before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Signed {
    Sandbox(SignedTx),
    Node(NodeTx),
}

impl Signed {
    /// What the chain knows it by.
    pub fn hash(&self) -> [u8; 32] {
        match self {
            Self::Sandbox(tx) => tx.hash(),
            Self::Node(tx) => tx.hash,
        }
    }
}

pub enum Link {
    Gateway(Client),
    Node(NodeClient),
}

/// Whether `url` names a node (WebSocket RPC) rather than a sandbox gateway (HTTP).
pub fn is_node_url(url: &str) -> bool {
    url.starts_with("ws://") || url.starts_with("wss://")
}

fn mismatch() -> ClientError {
    ClientError::Refused {
        status: 400,
        error: "transaction signed for the other kind of chain".into(),
    }
}

impl Link {
    /// A client of the chain at `url` (connects on first use).
    pub fn new(url: &str) -> Self {
        if is_node_url(url) {
            Self::Node(NodeClient::new(url))
        } else {
            Self::Gateway(Client::new(url))
        }
    }

    pub async fn block(&self) -> Result<u32, ClientError> {
        match self {
            Self::Gateway(c) => Ok(c.info().await?.block),
            Self::Node(n) => n.block().await,
        }
    }

    /// `who`'s next nonce on chain (not counting transactions still waiting to be included).
    pub async fn nonce(&self, who: [u8; 32]) -> Result<u64, ClientError> {
        match self {
            Self::Gateway(c) => c.nonce(who).await,
            Self::Node(n) => n.nonce(who).await,
        }
    }

    /// A read-only call by `origin`; the message's raw return data.
    pub async fn query(
        &self,
        origin: [u8; 32],
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Vec<u8>, ClientError> {
        match self {
            Self::Gateway(c) => c.query(contract, data).await,
            Self::Node(n) => n.query(origin, contract, &data).await,
        }
    }

    /// [`Link::query`] at the finalized head (the sandbox's every block is final).
    pub async fn query_finalized(
        &self,
        origin: [u8; 32],
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Vec<u8>, ClientError> {
        match self {
            Self::Gateway(c) => c.query(contract, data).await,
            Self::Node(n) => n.query_finalized(origin, contract, &data).await,
        }
    }

    /// The finalized head's number (the sandbox's: its latest block).
    pub async fn finalized_block(&self) -> Result<u32, ClientError> {
        match self {
            Self::Gateway(c) => Ok(c.info().await?.block),
            Self::Node(n) => n.finalized_block().await,
        }
    }

    /// Signs a call of `contract` by `pair` with `nonce`; nothing is sent.
    pub async fn sign(
        &self,
        pair: &sr25519::Pair,
        nonce: u64,
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Signed, ClientError> {
        match self {
            Self::Gateway(_) => Ok(Signed::Sandbox(
                Tx {
                    signer: account_of(pair),
                    nonce,
                    contract,
                    data,
                }
                .sign(pair),
            )),
            Self::Node(n) => Ok(Signed::Node(
                n.sign_call(pair, nonce, contract, data).await?,
            )),
        }
    }

    /// Sends `tx` and waits for its receipt; a transaction included before is answered with
    /// its receipt, one whose nonce went to another transaction is refused (409).
    pub async fn send(&self, tx: &Signed) -> Result<Receipt, ClientError> {
        match (self, tx) {
            (Self::Gateway(c), Signed::Sandbox(tx)) => c.send(tx).await,
            (Self::Node(n), Signed::Node(tx)) => n.send(tx).await,
            _ => Err(mismatch()),
        }
    }

    /// The receipt of `tx`, if it was included.
    pub async fn receipt(&self, tx: &Signed) -> Result<Option<Receipt>, ClientError> {
        match (self, tx) {
            (Self::Gateway(c), Signed::Sandbox(tx)) => c.receipt(tx.hash()).await,
            (Self::Node(n), Signed::Node(tx)) => n.receipt(tx).await,
            _ => Err(mismatch()),
        }
    }
}
