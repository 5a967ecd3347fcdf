//! The set-once wiring step of a contract that must learn about contracts deployed after it.
//!
//! The suite's contracts refer to each other in a cycle (bonding reports faults to reputation,
//! reputation accepts writes only from bonding; later contracts join the same way). So each
//! contract is instantiated first, and its instantiating account — the *wiring admin* — then
//! registers the others (writers, reporters) and locks the wiring. Locking clears the admin
//! for good: afterwards no message can add, remove or change a wired address.

use ink::{primitives::AccountId, storage::Mapping};

/// Why a wiring call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum WiringError {
    /// The caller is not the wiring admin.
    NotWiringAdmin,
    /// The wiring is locked; nothing can change it any more.
    WiringLocked,
}

/// The wiring admin until the wiring is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Wiring {
    admin: Option<AccountId>,
}

impl Wiring {
    /// Open wiring, administered by `admin` (the instantiating account).
    pub const fn open(admin: AccountId) -> Self {
        Self { admin: Some(admin) }
    }

    /// The admin, while the wiring is open.
    pub const fn admin(&self) -> Option<AccountId> {
        self.admin
    }

    /// Whether the wiring is final.
    pub const fn is_locked(&self) -> bool {
        self.admin.is_none()
    }

    /// Succeeds only for the admin of open wiring.
    pub fn ensure_admin(&self, caller: AccountId) -> Result<(), WiringError> {
        match self.admin {
            Some(admin) if admin == caller => Ok(()),
            Some(_) => Err(WiringError::NotWiringAdmin),
            None => Err(WiringError::WiringLocked),
        }
    }

    /// `caller` locks the wiring; returns the admin whose rights end here.
    pub fn lock(&mut self, caller: AccountId) -> Result<AccountId, WiringError> {
        self.ensure_admin(caller)?;
        self.admin = None;
        Ok(caller)
    }
}

/// A set of accounts (writers, reporters) that the wiring admin fills and then locks.
#[ink::storage_item]
#[derive(Debug)]
pub struct WiredSet {
    wiring: Wiring,
    members: Mapping<AccountId, ()>,
}

impl WiredSet {
    /// An empty, open set administered by `admin`.
    pub fn open(admin: AccountId) -> Self {
        Self {
            wiring: Wiring::open(admin),
            members: Mapping::new(),
        }
    }

    pub fn wiring(&self) -> Wiring {
        self.wiring
    }

    pub fn contains(&self, account: AccountId) -> bool {
        self.members.contains(account)
    }

    /// The admin adds `member` while the set is open.
    pub fn add(&mut self, caller: AccountId, member: AccountId) -> Result<(), WiringError> {
        self.wiring.ensure_admin(caller)?;
        self.members.insert(member, &());
        Ok(())
    }

    /// The admin fixes the set for good; returns the admin whose rights end here.
    pub fn lock(&mut self, caller: AccountId) -> Result<AccountId, WiringError> {
        self.wiring.lock(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[test]
    fn only_the_admin_wires_and_locking_is_final() {
        let mut wiring = Wiring::open(acc(1));
        assert_eq!(wiring.ensure_admin(acc(1)), Ok(()));
        assert_eq!(
            wiring.ensure_admin(acc(2)),
            Err(WiringError::NotWiringAdmin)
        );
        assert_eq!(wiring.lock(acc(2)), Err(WiringError::NotWiringAdmin));
        assert!(!wiring.is_locked());
        assert_eq!(wiring.lock(acc(1)), Ok(acc(1)));
        assert!(wiring.is_locked());
        assert_eq!(wiring.admin(), None);
        for who in [acc(1), acc(2)] {
            assert_eq!(wiring.ensure_admin(who), Err(WiringError::WiringLocked));
            assert_eq!(wiring.lock(who), Err(WiringError::WiringLocked));
        }
    }

    #[ink::test]
    fn a_wired_set_takes_members_from_the_admin_until_locked() {
        let mut set = WiredSet::open(acc(1));
        assert_eq!(set.add(acc(2), acc(9)), Err(WiringError::NotWiringAdmin));
        assert!(!set.contains(acc(9)));
        assert_eq!(set.add(acc(1), acc(9)), Ok(()));
        assert!(set.contains(acc(9)));
        assert_eq!(set.lock(acc(1)), Ok(acc(1)));
        assert_eq!(set.add(acc(1), acc(8)), Err(WiringError::WiringLocked));
        assert!(set.contains(acc(9)) && !set.contains(acc(8)));
    }
}
