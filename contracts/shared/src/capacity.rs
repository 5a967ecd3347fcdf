//! Measured verification capacity, as the attestations contract publishes it to the
//! contracts that depend on it (mint-credits, settlement).

use ink::primitives::AccountId;

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
}
