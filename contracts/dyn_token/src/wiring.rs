//! The minter wiring of DYN as plain Rust: who may mint, and the one-way lock that fixes it.

use ink::primitives::AccountId;

/// Errors of DYN's own (non-PSP22) messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum TokenError {
    /// Only the account that instantiated the token may lock the minter.
    NotWiringAdmin,
    /// The minter is already locked; nothing can change it any more.
    MinterAlreadyLocked,
}

impl TokenError {
    /// The `PSP22Error::Custom` text that `mint` returns to every account but the minter.
    pub const NOT_MINTER: &'static str = "NotMinter";
}

/// Who may mint DYN.
// Variants carry data: see `PSP22Error` for why the SCALE derive needs this allow.
#[allow(clippy::cast_possible_truncation)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum MinterState {
    /// Deployment is not finished: nobody mints, and `admin` may lock the minter once.
    Unlocked { admin: AccountId },
    /// Final. Only this account mints; `None` means nobody ever will.
    Locked(Option<AccountId>),
}

impl MinterState {
    /// `caller` locks the minter to `minter`. Returns the new state and the admin whose rights
    /// it ends.
    pub fn lock(
        self,
        caller: AccountId,
        minter: Option<AccountId>,
    ) -> Result<(MinterState, AccountId), TokenError> {
        match self {
            MinterState::Unlocked { admin } if admin == caller => {
                Ok((MinterState::Locked(minter), admin))
            }
            MinterState::Unlocked { .. } => Err(TokenError::NotWiringAdmin),
            MinterState::Locked(_) => Err(TokenError::MinterAlreadyLocked),
        }
    }

    /// Whether `caller` may mint now.
    pub fn may_mint(&self, caller: AccountId) -> bool {
        matches!(self, MinterState::Locked(Some(minter)) if *minter == caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[test]
    fn only_the_admin_locks_and_only_once() {
        let open = MinterState::Unlocked { admin: acc(1) };
        assert_eq!(open.lock(acc(2), Some(acc(9))), Err(TokenError::NotWiringAdmin));
        let (locked, admin) = open.lock(acc(1), Some(acc(9))).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((locked, admin), (MinterState::Locked(Some(acc(9))), acc(1)));
        for who in [acc(1), acc(2), acc(9)] {
            assert_eq!(locked.lock(who, Some(who)), Err(TokenError::MinterAlreadyLocked));
            assert_eq!(locked.lock(who, None), Err(TokenError::MinterAlreadyLocked));
        }
    }

    #[test]
    fn only_the_locked_minter_may_mint() {
        let open = MinterState::Unlocked { admin: acc(1) };
        assert!(!open.may_mint(acc(1)));
        let locked = MinterState::Locked(Some(acc(9)));
        assert!(locked.may_mint(acc(9)));
        assert!(!locked.may_mint(acc(1)));
        let fixed = MinterState::Locked(None);
        assert!(!fixed.may_mint(acc(1)));
        assert!(!fixed.may_mint(acc(9)));
    }
}
