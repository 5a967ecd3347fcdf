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

/// Who may mint DYN, and who may still fix that.
///
/// - `admin: Some(a), minter: None`: deployment is not finished; nobody mints, and `a` may lock
///   the minter once.
/// - `admin: None, minter: Some(m)`: final; only `m` mints.
/// - `admin: None, minter: None`: final; nobody ever mints.
///
/// A flat pair of options rather than an enum: it encodes the same and keeps the contract's
/// Wasm smaller (it reuses the `Option<AccountId>` codec the PSP22 events already need).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct MinterState {
    /// The wiring admin while the minter is not yet locked.
    pub admin: Option<AccountId>,
    /// The only account that may mint, once locked.
    pub minter: Option<AccountId>,
}

impl MinterState {
    /// Not yet wired: `admin` may lock the minter once.
    pub const fn unlocked(admin: AccountId) -> Self {
        Self {
            admin: Some(admin),
            minter: None,
        }
    }

    /// Whether the minter is fixed for good.
    pub const fn is_locked(&self) -> bool {
        self.admin.is_none()
    }

    /// `caller` locks the minter to `minter`. Returns the new state and the admin whose rights
    /// it ends.
    pub fn lock(
        self,
        caller: AccountId,
        minter: Option<AccountId>,
    ) -> Result<(MinterState, AccountId), TokenError> {
        match self.admin {
            Some(admin) if admin == caller => Ok((
                MinterState {
                    admin: None,
                    minter,
                },
                admin,
            )),
            Some(_) => Err(TokenError::NotWiringAdmin),
            None => Err(TokenError::MinterAlreadyLocked),
        }
    }

    /// Whether `caller` may mint now.
    pub fn may_mint(&self, caller: AccountId) -> bool {
        self.is_locked() && self.minter == Some(caller)
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
        let open = MinterState::unlocked(acc(1));
        assert_eq!(
            open.lock(acc(2), Some(acc(9))),
            Err(TokenError::NotWiringAdmin)
        );
        let (locked, admin) = open
            .lock(acc(1), Some(acc(9)))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(admin, acc(1));
        assert!(locked.is_locked());
        assert_eq!(locked.minter, Some(acc(9)));
        for who in [acc(1), acc(2), acc(9)] {
            assert_eq!(
                locked.lock(who, Some(who)),
                Err(TokenError::MinterAlreadyLocked)
            );
            assert_eq!(locked.lock(who, None), Err(TokenError::MinterAlreadyLocked));
        }
    }

    #[test]
    fn only_the_locked_minter_may_mint() {
        let open = MinterState::unlocked(acc(1));
        assert!(!open.may_mint(acc(1)));
        let locked = MinterState {
            admin: None,
            minter: Some(acc(9)),
        };
        assert!(locked.may_mint(acc(9)));
        assert!(!locked.may_mint(acc(1)));
        let fixed = MinterState {
            admin: None,
            minter: None,
        };
        assert!(!fixed.may_mint(acc(1)));
        assert!(!fixed.may_mint(acc(9)));
    }
}
