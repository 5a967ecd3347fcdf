//! A typed client for any PSP22 contract (DYN or the reference), plus DYN's own messages.

use crate::{call_data, AccountId, CallError, Called, Runtime};
use dyn_token::{MinterState, TokenError};
use dynamis_shared::PSP22Error;
use ink::prelude::string::String;

/// DYN's and the standard PSP22 selectors.
pub use dynamis_deploy::calls::token as selector;

/// The result type of every state-changing PSP22 message.
pub type Psp22Result = Result<(), PSP22Error>;

/// A deployed PSP22 contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Psp22 {
    pub address: AccountId,
}

fn expect<R>(result: Result<R, CallError>, what: &str) -> R {
    result.unwrap_or_else(|e| panic!("{what}: the call itself failed: {e:?}"))
}

impl Psp22 {
    /// Deploys DYN from `deployer` (the wiring admin) with the genesis supply to `genesis`.
    pub fn deploy_dyn(
        chain: &mut Runtime,
        wasm: &[u8],
        deployer: AccountId,
        genesis: AccountId,
    ) -> Called<Psp22> {
        let called = expect(
            chain.deploy(wasm, deployer, call_data(selector::NEW, genesis), vec![]),
            "deploy DYN",
        );
        Called {
            value: Psp22 {
                address: called.value,
            },
            reverted: called.reverted,
            gas: called.gas,
            events: called.events,
        }
    }

    pub fn total_supply(&self, chain: &mut Runtime) -> u128 {
        expect(
            chain.query(self.address, call_data(selector::TOTAL_SUPPLY, ())),
            "total_supply",
        )
    }

    pub fn balance_of(&self, chain: &mut Runtime, owner: AccountId) -> u128 {
        expect(
            chain.query(self.address, call_data(selector::BALANCE_OF, owner)),
            "balance_of",
        )
    }

    pub fn allowance(&self, chain: &mut Runtime, owner: AccountId, spender: AccountId) -> u128 {
        expect(
            chain.query(
                self.address,
                call_data(selector::ALLOWANCE, (owner, spender)),
            ),
            "allowance",
        )
    }

    pub fn token_name(&self, chain: &mut Runtime) -> Option<String> {
        expect(
            chain.query(self.address, call_data(selector::TOKEN_NAME, ())),
            "name",
        )
    }

    pub fn token_symbol(&self, chain: &mut Runtime) -> Option<String> {
        expect(
            chain.query(self.address, call_data(selector::TOKEN_SYMBOL, ())),
            "symbol",
        )
    }

    pub fn token_decimals(&self, chain: &mut Runtime) -> u8 {
        expect(
            chain.query(self.address, call_data(selector::TOKEN_DECIMALS, ())),
            "decimals",
        )
    }

    fn send(&self, chain: &mut Runtime, caller: AccountId, data: Vec<u8>) -> Called<Psp22Result> {
        expect(chain.call(self.address, caller, data), "PSP22 message")
    }

    pub fn transfer(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        to: AccountId,
        value: u128,
    ) -> Called<Psp22Result> {
        let data = call_data(selector::TRANSFER, (to, value, Vec::<u8>::new()));
        self.send(chain, caller, data)
    }

    pub fn transfer_from(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        from: AccountId,
        to: AccountId,
        value: u128,
    ) -> Called<Psp22Result> {
        let data = call_data(selector::TRANSFER_FROM, (from, to, value, Vec::<u8>::new()));
        self.send(chain, caller, data)
    }

    pub fn approve(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        spender: AccountId,
        value: u128,
    ) -> Called<Psp22Result> {
        self.send(
            chain,
            caller,
            call_data(selector::APPROVE, (spender, value)),
        )
    }

    pub fn increase_allowance(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        spender: AccountId,
        delta: u128,
    ) -> Called<Psp22Result> {
        self.send(
            chain,
            caller,
            call_data(selector::INCREASE_ALLOWANCE, (spender, delta)),
        )
    }

    pub fn decrease_allowance(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        spender: AccountId,
        delta: u128,
    ) -> Called<Psp22Result> {
        self.send(
            chain,
            caller,
            call_data(selector::DECREASE_ALLOWANCE, (spender, delta)),
        )
    }

    pub fn burn(&self, chain: &mut Runtime, caller: AccountId, value: u128) -> Called<Psp22Result> {
        self.send(chain, caller, call_data(selector::BURN, value))
    }

    pub fn mint(&self, chain: &mut Runtime, caller: AccountId, value: u128) -> Called<Psp22Result> {
        self.send(chain, caller, call_data(selector::MINT, value))
    }

    /// DYN only: fixes the minter for good.
    pub fn lock_minter(
        &self,
        chain: &mut Runtime,
        caller: AccountId,
        minter: Option<AccountId>,
    ) -> Called<Result<(), TokenError>> {
        expect(
            chain.call(
                self.address,
                caller,
                call_data(selector::LOCK_MINTER, minter),
            ),
            "lock_minter",
        )
    }

    /// DYN only: who may mint.
    pub fn minter_state(&self, chain: &mut Runtime) -> MinterState {
        expect(
            chain.query(self.address, call_data(selector::MINTER_STATE, ())),
            "minter_state",
        )
    }
}
