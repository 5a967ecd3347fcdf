//! The service's view of the chain (the sandbox's gateway or a node, whichever the URL
//! names): typed queries of the deployed contracts and signed transactions sent one at a time
//! (the account's nonce is never raced).

use dynamis_deploy::{
    calls::{self, call_data},
    gateway::ClientError,
    link::{Link, Signed},
    manifest::{AttestationParams, Manifest},
    tx::{account_of, Receipt},
};
use scale::{Decode, Encode};
use sp_core::sr25519;
use tokio::sync::Mutex;

pub use attestations::{AttestationError, Record, Status};

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("undecodable answer: {0}")]
    Decode(String),
    #[error("{0}")]
    Store(#[from] super::store::StoreError),
}

impl ChainError {
    /// Worth retrying later (the chain is down or slow), as opposed to a refusal.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Client(e) => e.is_transient(),
            Self::Decode(_) | Self::Store(_) => false,
        }
    }
}

pub struct Contracts {
    link: Link,
    signer: sr25519::Pair,
    pub me: [u8; 32],
    pub token: [u8; 32],
    pub bonding: [u8; 32],
    pub reputation: [u8; 32],
    pub attestations: [u8; 32],
    pub params: AttestationParams,
    /// Held from nonce to inclusion: one transaction of this account in flight at a time.
    sending: Mutex<()>,
}

impl Contracts {
    pub fn new(manifest: &Manifest, url: &str, signer: sr25519::Pair) -> anyhow::Result<Self> {
        Ok(Self {
            link: Link::new(url),
            me: account_of(&signer),
            signer,
            token: manifest.address("dyn_token")?,
            bonding: manifest.address("bonding")?,
            reputation: manifest.address("reputation")?,
            attestations: manifest.address("attestations")?,
            params: manifest.attestation_params,
            sending: Mutex::new(()),
        })
    }

    pub async fn query<R: Decode>(
        &self,
        contract: [u8; 32],
        selector: [u8; 4],
        args: impl Encode,
    ) -> Result<R, ChainError> {
        let data = self
            .link
            .query(self.me, contract, call_data(selector, args))
            .await?;
        calls::decode::<R>(&data).map_err(|e| ChainError::Decode(e.to_string()))
    }

    pub async fn block(&self) -> Result<u32, ChainError> {
        Ok(self.link.block().await?)
    }

    pub async fn current_epoch(&self) -> Result<u32, ChainError> {
        use calls::attestations::CURRENT_EPOCH;
        self.query(self.attestations, CURRENT_EPOCH, ()).await
    }

    /// The stake an attestation's co-signers must carry now.
    pub async fn required_weight(&self) -> Result<u128, ChainError> {
        use calls::attestations::REQUIRED_WEIGHT;
        self.query(self.attestations, REQUIRED_WEIGHT, ()).await
    }

    /// What `who`'s signature weighs (0 if it has no key).
    pub async fn weight_of(&self, who: [u8; 32]) -> Result<u128, ChainError> {
        use calls::attestations::WEIGHT_OF;
        self.query(self.attestations, WEIGHT_OF, calls::account(who))
            .await
    }

    /// The verifier that registered `key`.
    pub async fn owner_of(&self, key: [u8; 33]) -> Result<Option<[u8; 32]>, ChainError> {
        use calls::attestations::OWNER_OF;
        let owner: Option<dynamis_deploy::calls::AccountId> =
            self.query(self.attestations, OWNER_OF, key).await?;
        Ok(owner.map(|a| calls::raw(&a)))
    }

    pub async fn key_of(&self, who: [u8; 32]) -> Result<Option<[u8; 33]>, ChainError> {
        use calls::attestations::KEY_OF;
        self.query(self.attestations, KEY_OF, calls::account(who))
            .await
    }

    pub async fn is_bonded(&self, who: [u8; 32]) -> Result<bool, ChainError> {
        use calls::bonding::IS_BONDED;
        let role = dynamis_shared::Role::Verifier;
        self.query(self.bonding, IS_BONDED, (calls::account(who), role))
            .await
    }

    pub async fn attestation(&self, id: u64) -> Result<Option<Record>, ChainError> {
        use calls::attestations::ATTESTATION;
        self.query(self.attestations, ATTESTATION, id).await
    }

    pub async fn id_of_root(&self, root: [u8; 32]) -> Result<Option<u64>, ChainError> {
        use calls::attestations::ID_OF_ROOT;
        self.query(self.attestations, ID_OF_ROOT, root).await
    }

    /// The finalized head's number (on the sandbox, its latest block).
    pub async fn finalized_block(&self) -> Result<u32, ChainError> {
        Ok(self.link.finalized_block().await?)
    }

    /// A query of the attestations contract at the finalized head: what no reorg takes back.
    async fn query_final<R: Decode>(
        &self,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Result<R, ChainError> {
        let data = self
            .link
            .query_finalized(self.me, self.attestations, call_data(selector, args))
            .await?;
        calls::decode::<R>(&data).map_err(|e| ChainError::Decode(e.to_string()))
    }

    /// Attestation `id`'s record as of the finalized head.
    pub async fn final_attestation(&self, id: u64) -> Result<Option<Record>, ChainError> {
        self.query_final(calls::attestations::ATTESTATION, id).await
    }

    /// The id of the attestation of `root` as of the finalized head.
    pub async fn final_id_of_root(&self, root: [u8; 32]) -> Result<Option<u64>, ChainError> {
        self.query_final(calls::attestations::ID_OF_ROOT, root)
            .await
    }

    /// Signs and sends a call of `contract`; `persist` stores the signed transaction before
    /// it leaves (if `persist` fails, nothing is sent).
    pub async fn transact(
        &self,
        contract: [u8; 32],
        data: Vec<u8>,
        persist: impl FnOnce(&Signed) -> Result<(), super::store::StoreError>,
    ) -> Result<Receipt, ChainError> {
        let _turn = self.sending.lock().await;
        let nonce = self.link.nonce(self.me).await?;
        let tx = self.link.sign(&self.signer, nonce, contract, data).await?;
        persist(&tx)?;
        Ok(self.link.send(&tx).await?)
    }

    /// Sends a stored transaction again (answered with its receipt if it was included).
    pub async fn resend(&self, tx: &Signed) -> Result<Receipt, ChainError> {
        let _turn = self.sending.lock().await;
        Ok(self.link.send(tx).await?)
    }

    /// The receipt of a stored transaction, if it was included.
    pub async fn receipt(&self, tx: &Signed) -> Result<Option<Receipt>, ChainError> {
        Ok(self.link.receipt(tx).await?)
    }
}

impl Contracts {
    /// Registers `key` as this account's co-signing key (with the proof that the key holder
    /// names this account); false when it is registered already.
    pub async fn register_key(&self, key: &sp_core::ecdsa::Pair) -> anyhow::Result<bool> {
        let public = crate::attest::public_key(key);
        if self.key_of(self.me).await? == Some(public) {
            return Ok(false);
        }
        let proof = crate::attest::registration_proof(key, &self.attestations, &self.me);
        let receipt = self
            .transact(
                self.attestations,
                call_data(calls::attestations::REGISTER_KEY, (public, proof)),
                |_| Ok(()),
            )
            .await?;
        outcome::<Result<(), AttestationError>>(&receipt)
            .map_err(anyhow::Error::msg)?
            .map_err(|e| anyhow::anyhow!("registering the key: {e:?}"))?;
        Ok(true)
    }

    /// The chain URL of a service's configuration: its own, else the manifest's.
    pub fn url_of(config: &super::Config, manifest: &Manifest) -> anyhow::Result<String> {
        match (&config.chain_url, &manifest.chain.url) {
            (Some(url), _) | (None, Some(url)) => Ok(url.clone()),
            (None, None) => anyhow::bail!("no chain URL in the manifest or the configuration"),
        }
    }
}

/// The value of a message call's receipt: `Result<R, E>` as the message returned it
/// (`Receipt::value`).
pub fn outcome<R: Decode>(receipt: &Receipt) -> Result<R, String> {
    receipt.value()
}
