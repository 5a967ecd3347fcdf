//! Measured verification capacity, as the attestations contract publishes it to the
//! contracts that depend on it (mint-credits, settlement).

use ink::{prelude::vec::Vec, primitives::AccountId};

/// One attestation as a dependent contract sees it: what it measured and who stands behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Attested {
    pub epoch: u32,
    /// Capacity units the batch measured.
    pub capacity: u64,
    /// Index into `dynamis_proofs::Regime::ALL`.
    pub regime: u8,
    pub submitter: AccountId,
    /// The co-signers, in signature order.
    pub signers: Vec<AccountId>,
    /// Whether it is final (its capacity credited); pending, rejected and contested
    /// attestations are not.
    pub is_final: bool,
}

impl Attested {
    /// Whether `account` submitted or co-signed it.
    pub fn vouched_by(&self, account: AccountId) -> bool {
        self.submitter == account || self.signers.contains(&account)
    }
}

/// Capacity credited by final attestations.
#[ink::trait_definition]
pub trait Capacity {
    /// The epoch the chain is in now.
    #[ink(message)]
    fn current_epoch(&self) -> u32;

    /// Capacity units credited to `verifier` for `epoch` (each co-signer of a final
    /// attestation is credited its full units: each re-verified the whole batch).
    #[ink(message)]
    fn capacity(&self, verifier: AccountId, epoch: u32) -> u128;

    /// Capacity units of all final attestations of `epoch`, each batch counted once.
    #[ink(message)]
    fn epoch_capacity(&self, epoch: u32) -> u128;

    /// Attestation `id`, if there is one.
    #[ink(message)]
    fn attested(&self, id: u64) -> Option<Attested>;
}
