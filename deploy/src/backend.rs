//! The one interface deployment goes through, whatever the chain: upload code, instantiate,
//! call with a signed transaction, query, read the block number.

use crate::{
    gateway::ClientError,
    substrate::NodeClient,
    tx::{account_of, Receipt},
};
#[cfg(feature = "sandbox")]
use crate::{
    node::{SandboxNode, Stopped, TxError},
    sandbox::CallError,
    tx::Tx,
};
use serde::{Deserialize, Serialize};
use sp_core::sr25519;

/// Which chain a deployment lives on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainInfo {
    /// `sandbox` (in-process runtime, reached through the gateway) or `node`.
    pub kind: String,
    /// Where other processes reach it: the gateway's `http://…` or the node's `ws://…`.
    pub url: Option<String>,
}

#[cfg(feature = "sandbox")]
impl From<CallError> for Error {
    fn from(e: CallError) -> Self {
        Self::Dispatch(format!("{e:?}"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[cfg(feature = "sandbox")]
    #[error(transparent)]
    Stopped(#[from] Stopped),
    #[cfg(feature = "sandbox")]
    #[error("transaction refused: {0}")]
    Tx(#[from] TxError),
    #[error("the runtime refused the call: {0}")]
    Dispatch(String),
    #[error("{what}: {why}")]
    Refused { what: String, why: String },
    #[error("artifact {path}: {why}")]
    Artifact { path: String, why: String },
    #[error("node: {0}")]
    Node(#[from] ClientError),
    #[error("manifest {path}: {why}")]
    Manifest { path: String, why: String },
}

pub trait Backend {
    fn chain(&self) -> ChainInfo;
    /// Uploads `wasm`; its code hash.
    fn upload(&mut self, signer: &sr25519::Pair, wasm: Vec<u8>) -> Result<[u8; 32], Error>;
    /// Instantiates uploaded code; the new contract's address.
    fn instantiate(
        &mut self,
        signer: &sr25519::Pair,
        code_hash: [u8; 32],
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<[u8; 32], Error>;
    /// Calls `contract` in a signed transaction; what its inclusion did.
    fn call(
        &mut self,
        signer: &sr25519::Pair,
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Receipt, Error>;
    /// A read-only call; the message's raw return data.
    fn query(&mut self, contract: [u8; 32], data: Vec<u8>) -> Result<Vec<u8>, Error>;
    fn block(&mut self) -> Result<u32, Error>;
    /// Gives `who` native currency for fees and storage deposits, if it has less than
    /// `amount` (the sandbox funds every account that acts by itself).
    fn fund(&mut self, from: &sr25519::Pair, who: [u8; 32], amount: u128) -> Result<(), Error>;
}

/// The in-process sandbox as a backend.
#[cfg(feature = "sandbox")]
pub struct Sandbox {
    pub node: SandboxNode,
    /// The gateway URL other processes use, once it serves.
    pub url: Option<String>,
}

#[cfg(feature = "sandbox")]
impl Backend for Sandbox {
    fn chain(&self) -> ChainInfo {
        ChainInfo {
            kind: "sandbox".into(),
            url: self.url.clone(),
        }
    }

    fn upload(&mut self, signer: &sr25519::Pair, wasm: Vec<u8>) -> Result<[u8; 32], Error> {
        let origin = crate::calls::account(account_of(signer));
        Ok(self.node.with(move |l| l.chain.upload(&wasm, origin))??)
    }

    fn instantiate(
        &mut self,
        signer: &sr25519::Pair,
        code_hash: [u8; 32],
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<[u8; 32], Error> {
        let origin = crate::calls::account(account_of(signer));
        let called = self
            .node
            .with(move |l| l.chain.instantiate_code(code_hash, origin, data, salt))??;
        match called.value {
            Ok(address) => Ok(crate::calls::raw(&address)),
            Err(data) => Err(Error::Refused {
                what: "constructor".into(),
                why: format!("reverted with {}", crate::hex::encode(data)),
            }),
        }
    }

    fn call(
        &mut self,
        signer: &sr25519::Pair,
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Receipt, Error> {
        let signer_id = account_of(signer);
        let nonce = self.node.with(move |l| l.nonce(&signer_id))?;
        let tx = Tx {
            signer: signer_id,
            nonce,
            contract,
            data,
        }
        .sign(signer);
        Ok(self.node.with(move |l| l.apply(tx))??)
    }

    fn query(&mut self, contract: [u8; 32], data: Vec<u8>) -> Result<Vec<u8>, Error> {
        let account = crate::calls::account(contract);
        Ok(self
            .node
            .with(move |l| l.chain.query_raw(account, data))??)
    }

    fn block(&mut self) -> Result<u32, Error> {
        Ok(self.node.with(|l| l.chain.block())?)
    }

    fn fund(&mut self, _: &sr25519::Pair, _: [u8; 32], _: u128) -> Result<(), Error> {
        Ok(())
    }
}

/// A node (`ws://…`) as a backend: the asynchronous [`NodeClient`] driven from a blocking
/// thread (`deploy_suite` is synchronous; run it in `spawn_blocking`).
pub struct Node {
    pub client: std::sync::Arc<NodeClient>,
    pub runtime: tokio::runtime::Handle,
    /// The account queries are dry-run as.
    pub origin: [u8; 32],
}

impl Node {
    pub fn new(url: &str, origin: [u8; 32], runtime: tokio::runtime::Handle) -> Self {
        Self {
            client: std::sync::Arc::new(NodeClient::new(url)),
            runtime,
            origin,
        }
    }
}

impl Backend for Node {
    fn chain(&self) -> ChainInfo {
        ChainInfo {
            kind: "node".into(),
            url: Some(self.client.url().to_string()),
        }
    }

    fn upload(&mut self, signer: &sr25519::Pair, wasm: Vec<u8>) -> Result<[u8; 32], Error> {
        Ok(self.runtime.block_on(self.client.upload(signer, wasm))?)
    }

    fn instantiate(
        &mut self,
        signer: &sr25519::Pair,
        code_hash: [u8; 32],
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<[u8; 32], Error> {
        let c = &self.client;
        Ok(self
            .runtime
            .block_on(c.instantiate(signer, code_hash, data, salt))?)
    }

    fn call(
        &mut self,
        signer: &sr25519::Pair,
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<Receipt, Error> {
        let c = &self.client;
        Ok(self.runtime.block_on(async {
            let nonce = c.nonce(account_of(signer)).await?;
            let tx = c.sign_call(signer, nonce, contract, data).await?;
            c.send(&tx).await
        })?)
    }

    fn query(&mut self, contract: [u8; 32], data: Vec<u8>) -> Result<Vec<u8>, Error> {
        let c = &self.client;
        Ok(self
            .runtime
            .block_on(c.query(self.origin, contract, &data))?)
    }

    fn block(&mut self) -> Result<u32, Error> {
        Ok(self.runtime.block_on(self.client.block())?)
    }

    fn fund(&mut self, from: &sr25519::Pair, who: [u8; 32], amount: u128) -> Result<(), Error> {
        let c = &self.client;
        Ok(self.runtime.block_on(async {
            let has = c.free_balance(who).await?;
            if has < amount {
                c.transfer(from, who, amount.saturating_sub(has)).await?;
            }
            Ok::<(), ClientError>(())
        })?)
    }
}
