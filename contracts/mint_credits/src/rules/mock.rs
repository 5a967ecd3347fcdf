//! The rest of the suite as plain maps, with the registry's notion of finality: an epoch is
//! closed `LAG` epochs after it began and final once closed with no dispute open
//! ([`Mock::open_dispute`]). Capacity of an epoch that is not final reads `None`, as on-chain.

use super::{MintError, World};
use dynamis_proofs::Regime;
use dynamis_shared::{Action, Attested, Role};
use ink::primitives::AccountId;
use std::{cell::RefCell, collections::BTreeMap};

/// Epochs between an epoch's start and its close in the mock (on-chain, with the default
/// parameters: a bit over three).
pub const LAG: u32 = 3;

pub fn acc(n: u8) -> AccountId {
    AccountId::from([n; 32])
}

#[derive(Default)]
pub struct Mock {
    pub epoch: RefCell<u32>,
    pub disputed: RefCell<Vec<u32>>,
    pub capacity: RefCell<BTreeMap<(AccountId, u32, u8), u128>>,
    pub network: RefCell<BTreeMap<u32, u128>>,
    pub attested: RefCell<BTreeMap<u64, Attested>>,
    pub scores: RefCell<BTreeMap<AccountId, u32>>,
    pub authority: RefCell<Vec<AccountId>>,
    pub stakes: RefCell<BTreeMap<(AccountId, usize), u128>>,
}

impl Mock {
    fn is_final(&self, epoch: u32) -> bool {
        self.newest_closed()
            .ok()
            .flatten()
            .is_some_and(|c| epoch <= c)
            && !self.disputed.borrow().contains(&epoch)
    }

    pub fn at(&self, epoch: u32) {
        *self.epoch.borrow_mut() = epoch;
    }

    /// The epoch after which `epoch` is closed.
    pub fn closed_at(epoch: u32) -> u32 {
        epoch + LAG
    }

    /// A contest or data request open on `epoch`'s attestations.
    pub fn open_dispute(&self, epoch: u32) {
        self.disputed.borrow_mut().push(epoch);
    }

    pub fn close_disputes(&self) {
        self.disputed.borrow_mut().clear();
    }

    /// `who`'s ephemeral capacity over `epochs` (also the network's).
    pub fn set_capacity(&self, who: AccountId, epochs: std::ops::Range<u32>, units: u128) {
        self.set_regime_capacity(who, epochs, Regime::Ephemeral, units);
    }

    pub fn set_regime_capacity(
        &self,
        who: AccountId,
        epochs: std::ops::Range<u32>,
        regime: Regime,
        units: u128,
    ) {
        for e in epochs {
            self.capacity
                .borrow_mut()
                .insert((who, e, regime.index()), units);
            self.network.borrow_mut().insert(e, units);
        }
    }

    pub fn bond(&self, who: AccountId, role: Role, amount: u128) {
        self.stakes.borrow_mut().insert((who, role.index()), amount);
    }

    pub fn unbond(&self, who: AccountId, role: Role) {
        self.stakes.borrow_mut().remove(&(who, role.index()));
    }

    /// Attestation `id` of `epoch`, `capacity` units in `regime`, co-signed by `signers`.
    pub fn attest(
        &self,
        id: u64,
        epoch: u32,
        capacity: u64,
        regime: Regime,
        signers: &[u8],
        fin: bool,
    ) {
        let a = Attested {
            epoch,
            capacity,
            regime: regime.index(),
            signers: signers.iter().map(|n| acc(*n)).collect(),
            is_final: fin,
        };
        self.attested.borrow_mut().insert(id, a);
    }
}

impl World for Mock {
    fn epoch(&self) -> Result<u32, MintError> {
        Ok(*self.epoch.borrow())
    }
    fn newest_closed(&self) -> Result<Option<u32>, MintError> {
        Ok(self.epoch.borrow().checked_sub(LAG))
    }
    fn capacity(
        &self,
        account: AccountId,
        epoch: u32,
        regime: Regime,
    ) -> Result<Option<u128>, MintError> {
        let units = self
            .capacity
            .borrow()
            .get(&(account, epoch, regime.index()))
            .copied()
            .unwrap_or(0);
        Ok(self.is_final(epoch).then_some(units))
    }
    fn epoch_capacity(&self, epoch: u32) -> Result<Option<u128>, MintError> {
        let units = self.network.borrow().get(&epoch).copied().unwrap_or(0);
        Ok(self.is_final(epoch).then_some(units))
    }
    fn attested(&self, id: u64) -> Result<Option<Attested>, MintError> {
        Ok(self.attested.borrow().get(&id).cloned())
    }
    fn score(&self, account: AccountId) -> Result<u32, MintError> {
        Ok(self.scores.borrow().get(&account).copied().unwrap_or(0))
    }
    fn authority(&self, account: AccountId, _: Action) -> Result<bool, MintError> {
        Ok(self.authority.borrow().contains(&account))
    }
    fn stake(&self, account: AccountId, role: Role) -> Result<Option<u128>, MintError> {
        Ok(self.stakes.borrow().get(&(account, role.index())).copied())
    }
}
