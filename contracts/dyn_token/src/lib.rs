//! DYN, the Dynamis token: PSP22 with the Metadata, Burnable and Mintable extensions.
//!
//! - 1,000,000,000 DYN (18 decimals) are minted at instantiation to a genesis account.
//! - Only one account may ever mint: the mint-credits contract. It does not exist yet when the
//!   token is instantiated, so the instantiating account (the *wiring admin*) names it once
//!   with `lock_minter`. That call is final: it clears the admin, and no message can set,
//!   change or unlock the minter afterwards. Locking with `None` fixes the supply for good.
//! - No upgrade path: the contract never calls `set_code_hash`.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod wiring;

pub use dynamis_shared::PSP22Error;
pub use wiring::{MinterState, TokenError};

/// Decimals of DYN.
pub const DECIMALS: u8 = 18;
pub use dynamis_shared::ONE_DYN;
/// The genesis supply: 1,000,000,000 DYN.
pub const GENESIS_SUPPLY: u128 = 1_000_000_000 * ONE_DYN;

#[ink::contract]
mod dyn_token {
    use crate::{wiring::MinterState, TokenError, DECIMALS, GENESIS_SUPPLY};
    use dynamis_shared::{
        PSP22Burnable, PSP22Error, PSP22Metadata, PSP22Mintable, Psp22Event, Psp22Events,
        Psp22Ledger, TransferData, PSP22,
    };
    use ink::prelude::string::String;

    /// The minter was fixed for good.
    #[ink::event]
    pub struct MinterLocked {
        /// The only account that may ever mint; `None` means nobody ever can.
        #[ink(topic)]
        pub minter: Option<AccountId>,
        /// The wiring admin that locked it (its rights end here).
        pub admin: AccountId,
    }

    #[ink(storage)]
    pub struct DynToken {
        ledger: Psp22Ledger,
        /// In the root cell with the total supply: 34 bytes that every call loads anyway, and
        /// cheaper overall than a separate cell's extra code (code size is part of every call's
        /// proof size).
        minter: MinterState,
    }

    impl DynToken {
        /// Mints the genesis supply to `genesis`; the caller becomes the wiring admin that
        /// must lock the minter once the mint-credits contract is deployed.
        #[ink(constructor)]
        pub fn new(genesis: AccountId) -> Self {
            let (ledger, events) = Psp22Ledger::new(genesis, GENESIS_SUPPLY);
            let minter = MinterState::unlocked(Self::env().caller());
            let token = Self { ledger, minter };
            token.emit(events);
            token
        }

        fn emit(&self, events: Psp22Events) {
            for event in events {
                match event {
                    Psp22Event::Approval(e) => self.env().emit_event(e),
                    Psp22Event::Transfer(e) => self.env().emit_event(e),
                }
            }
        }

        /// Fixes the minter forever. Only the wiring admin may call it, and only once.
        #[ink(message)]
        pub fn lock_minter(&mut self, minter: Option<AccountId>) -> Result<(), TokenError> {
            let caller = self.env().caller();
            let (locked, admin) = self.minter.lock(caller, minter)?;
            self.minter = locked;
            self.env().emit_event(MinterLocked { minter, admin });
            Ok(())
        }

        /// Who may mint, or who may still lock the minter.
        #[ink(message)]
        pub fn minter_state(&self) -> MinterState {
            self.minter
        }
    }

    impl PSP22 for DynToken {
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.ledger.total_supply()
        }

        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.ledger.balance_of(owner)
        }

        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.ledger.allowance(owner, spender)
        }

        #[ink(message)]
        fn transfer(
            &mut self,
            to: AccountId,
            value: u128,
            _data: TransferData,
        ) -> Result<(), PSP22Error> {
            let events = self.ledger.transfer(self.env().caller(), to, value)?;
            self.emit(events);
            Ok(())
        }

        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: TransferData,
        ) -> Result<(), PSP22Error> {
            let events = self
                .ledger
                .transfer_from(self.env().caller(), from, to, value)?;
            self.emit(events);
            Ok(())
        }

        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            let events = self.ledger.approve(self.env().caller(), spender, value);
            self.emit(events);
            Ok(())
        }

        #[ink(message)]
        fn increase_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> Result<(), PSP22Error> {
            let events = self
                .ledger
                .increase_allowance(self.env().caller(), spender, delta_value);
            self.emit(events);
            Ok(())
        }

        #[ink(message)]
        fn decrease_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> Result<(), PSP22Error> {
            let events =
                self.ledger
                    .decrease_allowance(self.env().caller(), spender, delta_value)?;
            self.emit(events);
            Ok(())
        }
    }

    impl PSP22Metadata for DynToken {
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            Some(String::from("Dynamis"))
        }

        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            Some(String::from("DYN"))
        }

        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            DECIMALS
        }
    }

    impl PSP22Burnable for DynToken {
        /// Destroys `value` of the caller's tokens.
        #[ink(message)]
        fn burn(&mut self, value: u128) -> Result<(), PSP22Error> {
            let events = self.ledger.burn(self.env().caller(), value)?;
            self.emit(events);
            Ok(())
        }
    }

    impl PSP22Mintable for DynToken {
        /// Creates `value` tokens for the caller, which must be the locked minter.
        /// Anyone else gets `Custom("NotMinter")`.
        #[ink(message)]
        fn mint(&mut self, value: u128) -> Result<(), PSP22Error> {
            let caller = self.env().caller();
            if !self.minter.may_mint(caller) {
                return Err(PSP22Error::Custom(String::from(TokenError::NOT_MINTER)));
            }
            let events = self.ledger.mint(caller, value)?;
            self.emit(events);
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::{test, DefaultEnvironment};

        fn accounts() -> test::DefaultAccounts<DefaultEnvironment> {
            test::default_accounts::<DefaultEnvironment>()
        }

        fn as_caller(who: AccountId) {
            test::set_caller::<DefaultEnvironment>(who);
        }

        /// Deployed by alice, genesis supply to bob.
        fn deploy() -> DynToken {
            let a = accounts();
            as_caller(a.alice);
            DynToken::new(a.bob)
        }

        #[ink::test]
        fn genesis_supply_goes_to_the_genesis_account_with_a_mint_event() {
            let a = accounts();
            let token = deploy();
            assert_eq!(token.total_supply(), GENESIS_SUPPLY);
            assert_eq!(token.balance_of(a.bob), GENESIS_SUPPLY);
            assert_eq!(token.balance_of(a.alice), 0);
            assert_eq!(test::recorded_events().count(), 1);
        }

        #[ink::test]
        fn metadata_is_dynamis_dyn_18() {
            let token = deploy();
            assert_eq!(token.token_name().as_deref(), Some("Dynamis"));
            assert_eq!(token.token_symbol().as_deref(), Some("DYN"));
            assert_eq!(token.token_decimals(), 18);
        }

        #[ink::test]
        fn nobody_mints_before_the_minter_is_locked() {
            let a = accounts();
            let mut token = deploy();
            for who in [a.alice, a.bob, a.charlie] {
                as_caller(who);
                assert_eq!(
                    token.mint(1),
                    Err(PSP22Error::Custom(String::from("NotMinter")))
                );
            }
            assert_eq!(token.total_supply(), GENESIS_SUPPLY);
        }

        #[ink::test]
        fn only_the_locked_minter_mints_and_the_lock_is_final() {
            let a = accounts();
            let mut token = deploy();
            as_caller(a.bob);
            assert_eq!(
                token.lock_minter(Some(a.bob)),
                Err(TokenError::NotWiringAdmin)
            );
            as_caller(a.alice);
            assert_eq!(token.lock_minter(Some(a.django)), Ok(()));
            assert_eq!(
                token.minter_state(),
                MinterState {
                    admin: None,
                    minter: Some(a.django)
                }
            );
            for who in [a.alice, a.django] {
                as_caller(who);
                assert_eq!(
                    token.lock_minter(Some(a.alice)),
                    Err(TokenError::MinterAlreadyLocked)
                );
            }
            as_caller(a.alice);
            assert!(token.mint(5).is_err());
            as_caller(a.django);
            assert_eq!(token.mint(5), Ok(()));
            assert_eq!(token.balance_of(a.django), 5);
            assert_eq!(token.total_supply(), GENESIS_SUPPLY + 5);
        }

        #[ink::test]
        fn burn_lowers_supply_and_balance() {
            let a = accounts();
            let mut token = deploy();
            as_caller(a.bob);
            assert_eq!(token.burn(GENESIS_SUPPLY / 4), Ok(()));
            assert_eq!(token.total_supply(), GENESIS_SUPPLY - GENESIS_SUPPLY / 4);
            assert_eq!(token.balance_of(a.bob), GENESIS_SUPPLY - GENESIS_SUPPLY / 4);
            as_caller(a.charlie);
            assert_eq!(token.burn(1), Err(PSP22Error::InsufficientBalance));
        }
    }
}
