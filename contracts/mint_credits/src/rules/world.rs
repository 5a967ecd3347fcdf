//! What the rest of the suite says, as the rules need it.

use super::errors::MintError;
use dynamis_proofs::Regime;
use dynamis_shared::{Action, Attested, Role};
use ink::primitives::AccountId;

pub trait World {
    /// The attestation registry's current epoch.
    fn epoch(&self) -> Result<u32, MintError>;
    /// The registry's newest closed epoch, if any.
    fn newest_closed(&self) -> Result<Option<u32>, MintError>;
    /// Capacity of `regime` credited to `account` for `epoch`; `None` unless the epoch is
    /// final.
    fn capacity(
        &self,
        account: AccountId,
        epoch: u32,
        regime: Regime,
    ) -> Result<Option<u128>, MintError>;
    /// Capacity of all attestations of `epoch` not rejected; `None` unless it is final.
    fn epoch_capacity(&self, epoch: u32) -> Result<Option<u128>, MintError>;
    /// Attestation `id`.
    fn attested(&self, id: u64) -> Result<Option<Attested>, MintError>;
    /// `account`'s reputation score.
    fn score(&self, account: AccountId) -> Result<u32, MintError>;
    /// Whether `account` may do `action`.
    fn authority(&self, account: AccountId, action: Action) -> Result<bool, MintError>;
    /// `account`'s `role` bond if it is at the floor.
    fn stake(&self, account: AccountId, role: Role) -> Result<Option<u128>, MintError>;
}

/// Reads built on [`World`].
pub trait Reads: World {
    /// A capacity that must be final.
    fn final_capacity(
        &self,
        account: AccountId,
        epoch: u32,
        regime: Regime,
    ) -> Result<u128, MintError> {
        self.capacity(account, epoch, regime)?
            .ok_or(MintError::EpochNotFinal)
    }

    /// The first role (verifiers first: most proposers are) in which `account` is bonded.
    fn bonded_role(&self, account: AccountId) -> Result<Option<Role>, MintError> {
        let roles = [
            Role::Verifier,
            Role::Validator,
            Role::Sequencer,
            Role::Sentry,
            Role::Archival,
        ];
        for role in roles {
            if self.stake(account, role)?.is_some() {
                return Ok(Some(role));
            }
        }
        Ok(None)
    }
}

impl<W: World + ?Sized> Reads for W {}
