//! Randomised action sequences against DYN's compiled Wasm, with every invariant checked after
//! every step:
//! - the contract agrees with an independent model of PSP22 (same success or error, balances,
//!   allowances);
//! - Σ balances == total_supply;
//! - the supply changes only by mints and burns, exactly by the amounts their events declare,
//!   and mints only come from the locked minter.
//!
//! Seeds and lengths: `DYNAMIS_SEEDS` (default 4 seeds) and `DYNAMIS_STEPS` (default 150).
//! A failure prints the seed and step to replay.

use dyn_token::{TokenError, GENESIS_SUPPLY};
use dynamis_shared::{PSP22Error, Transfer};
use dynamis_tests::{
    account, env_or,
    psp22::{Psp22, Psp22Result},
    AccountId, BundleProvider, Called, RawEvent, Runtime,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::collections::HashMap;

/// The reference model: PSP22 rules written the obvious way, independently of the contract.
#[derive(Default)]
struct Model {
    balances: HashMap<AccountId, u128>,
    allowances: HashMap<(AccountId, AccountId), u128>,
    supply: u128,
    minter: Option<AccountId>,
    locked: bool,
}

impl Model {
    fn balance(&self, who: AccountId) -> u128 {
        self.balances.get(&who).copied().unwrap_or(0)
    }
    fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
        self.allowances.get(&(owner, spender)).copied().unwrap_or(0)
    }
    fn moved(&mut self, from: AccountId, to: AccountId, value: u128) -> Psp22Result {
        if self.balance(from) < value {
            return Err(PSP22Error::InsufficientBalance);
        }
        *self.balances.entry(from).or_default() -= value;
        *self.balances.entry(to).or_default() += value;
        Ok(())
    }
    fn transfer(&mut self, caller: AccountId, to: AccountId, value: u128) -> Psp22Result {
        if caller == to || value == 0 {
            return Ok(());
        }
        self.moved(caller, to, value)
    }
    fn transfer_from(
        &mut self,
        caller: AccountId,
        from: AccountId,
        to: AccountId,
        value: u128,
    ) -> Psp22Result {
        if from == to || value == 0 {
            return Ok(());
        }
        if caller == from {
            return self.transfer(caller, to, value);
        }
        let allowance = self.allowance(from, caller);
        if allowance < value {
            return Err(PSP22Error::InsufficientAllowance);
        }
        self.moved(from, to, value)?;
        self.allowances.insert((from, caller), allowance - value);
        Ok(())
    }
    fn approve(&mut self, owner: AccountId, spender: AccountId, value: u128) -> Psp22Result {
        if owner != spender {
            self.allowances.insert((owner, spender), value);
        }
        Ok(())
    }
    fn increase(&mut self, owner: AccountId, spender: AccountId, delta: u128) -> Psp22Result {
        if owner != spender {
            let a = self.allowance(owner, spender).saturating_add(delta);
            self.allowances.insert((owner, spender), a);
        }
        Ok(())
    }
    fn decrease(&mut self, owner: AccountId, spender: AccountId, delta: u128) -> Psp22Result {
        if owner == spender || delta == 0 {
            return Ok(());
        }
        let a = self.allowance(owner, spender);
        if a < delta {
            return Err(PSP22Error::InsufficientAllowance);
        }
        self.allowances.insert((owner, spender), a - delta);
        Ok(())
    }
    fn burn(&mut self, caller: AccountId, value: u128) -> Psp22Result {
        if self.balance(caller) < value {
            return Err(PSP22Error::InsufficientBalance);
        }
        *self.balances.entry(caller).or_default() -= value;
        self.supply -= value;
        Ok(())
    }
    fn mint(&mut self, caller: AccountId, value: u128) -> Psp22Result {
        if !(self.locked && self.minter == Some(caller)) {
            return Err(PSP22Error::Custom(TokenError::NOT_MINTER.to_string()));
        }
        if value == 0 {
            return Ok(());
        }
        let supply = self
            .supply
            .checked_add(value)
            .ok_or_else(|| PSP22Error::Custom("SupplyOverflow".to_string()))?;
        self.supply = supply;
        *self.balances.entry(caller).or_default() += value;
        Ok(())
    }
}

/// Supply change declared by a step's events: + mints (from None), − burns (to None).
fn declared_supply_change(events: &[RawEvent]) -> i128 {
    events
        .iter()
        .filter_map(RawEvent::decode_as::<Transfer>)
        .map(|t| match (t.from, t.to) {
            (None, Some(_)) => i128::try_from(t.value).unwrap_or(i128::MAX),
            (Some(_), None) => -i128::try_from(t.value).unwrap_or(i128::MAX),
            _ => 0,
        })
        .sum()
}

fn amount(rng: &mut StdRng, balance: u128) -> u128 {
    match rng.gen_range(0..10) {
        0 => 0,
        1 => balance,
        2 => balance.saturating_add(1),
        3 => rng.gen_range(0..=u128::from(u64::MAX)),
        _ if balance > 0 => rng.gen_range(0..=balance),
        _ => rng.gen_range(0..1_000),
    }
}

fn run_sequence(wasm: &[u8], seed: u64, steps: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chain = Runtime::new();
    let (deployer, genesis, minter) = (account(1), account(2), account(50));
    let mut actors: Vec<AccountId> = (20..28).map(account).collect();
    actors.extend([deployer, genesis, minter]);

    let token = Psp22::deploy_dyn(&mut chain, wasm, deployer, genesis).value;
    let mut model = Model {
        supply: GENESIS_SUPPLY,
        ..Model::default()
    };
    model.balances.insert(genesis, GENESIS_SUPPLY);

    for step in 0..steps {
        let ctx = format!("seed {seed}, step {step}");
        let pick = |rng: &mut StdRng| actors[rng.gen_range(0..actors.len())];
        let caller = pick(&mut rng);
        let other = pick(&mut rng);
        let third = pick(&mut rng);
        let supply_before = token.total_supply(&mut chain);
        let balance = model.balance(caller);

        let (what, expected, called): (&str, Psp22Result, Called<Psp22Result>) =
            match rng.gen_range(0..100) {
                0..=29 => {
                    let v = amount(&mut rng, balance);
                    (
                        "transfer",
                        model.transfer(caller, other, v),
                        token.transfer(&mut chain, caller, other, v),
                    )
                }
                30..=44 => {
                    let v = amount(&mut rng, model.balance(other));
                    (
                        "approve",
                        model.approve(other, caller, v),
                        token.approve(&mut chain, other, caller, v),
                    )
                }
                45..=49 => {
                    let v = amount(&mut rng, 1_000);
                    (
                        "increase_allowance",
                        model.increase(other, caller, v),
                        token.increase_allowance(&mut chain, other, caller, v),
                    )
                }
                50..=54 => {
                    let v = amount(&mut rng, model.allowance(other, caller));
                    (
                        "decrease_allowance",
                        model.decrease(other, caller, v),
                        token.decrease_allowance(&mut chain, other, caller, v),
                    )
                }
                55..=74 => {
                    let v = amount(
                        &mut rng,
                        model.allowance(other, caller).min(model.balance(other)),
                    );
                    (
                        "transfer_from",
                        model.transfer_from(caller, other, third, v),
                        token.transfer_from(&mut chain, caller, other, third, v),
                    )
                }
                75..=84 => {
                    let v = amount(&mut rng, balance);
                    (
                        "burn",
                        model.burn(caller, v),
                        token.burn(&mut chain, caller, v),
                    )
                }
                85..=96 => {
                    // Mostly the minter, sometimes anyone else.
                    let who = if rng.gen_bool(0.6) { minter } else { caller };
                    let v = amount(&mut rng, 1_000_000);
                    ("mint", model.mint(who, v), token.mint(&mut chain, who, v))
                }
                _ => {
                    let who = if rng.gen_bool(0.5) { deployer } else { caller };
                    let called = token.lock_minter(&mut chain, who, Some(minter));
                    let expected = if model.locked {
                        Err(TokenError::MinterAlreadyLocked)
                    } else if who != deployer {
                        Err(TokenError::NotWiringAdmin)
                    } else {
                        model.locked = true;
                        model.minter = Some(minter);
                        Ok(())
                    };
                    assert_eq!(called.value, expected, "{ctx}: lock_minter by {who:?}");
                    assert_eq!(called.reverted, expected.is_err(), "{ctx}");
                    let supply_after = token.total_supply(&mut chain);
                    assert_eq!(
                        supply_after, supply_before,
                        "{ctx}: lock_minter moved the supply"
                    );
                    continue;
                }
            };

        // The contract agrees with the model.
        assert_eq!(called.value, expected, "{ctx}: {what} by {caller:?}");
        assert_eq!(called.reverted, expected.is_err(), "{ctx}: {what}");

        // Σ balances == total supply, and every balance matches the model.
        let supply = token.total_supply(&mut chain);
        let mut sum: u128 = 0;
        for who in &actors {
            let b = token.balance_of(&mut chain, *who);
            assert_eq!(
                b,
                model.balance(*who),
                "{ctx}: balance of {who:?} after {what}"
            );
            sum = sum
                .checked_add(b)
                .unwrap_or_else(|| panic!("{ctx}: Σ balances overflowed"));
        }
        assert_eq!(
            sum, supply,
            "{ctx}: Σ balances != total_supply after {what}"
        );
        assert_eq!(supply, model.supply, "{ctx}: supply after {what}");

        // The supply moves only by mint or burn, exactly by what the events declare.
        let change = i128::try_from(supply).unwrap_or(i128::MAX)
            - i128::try_from(supply_before).unwrap_or(i128::MAX);
        assert_eq!(
            change,
            declared_supply_change(&called.events),
            "{ctx}: {what}"
        );
        if !matches!(what, "mint" | "burn") {
            assert_eq!(change, 0, "{ctx}: {what} changed the supply");
        }
        if what == "mint" && change > 0 {
            assert_eq!(
                model.minter,
                Some(minter),
                "{ctx}: DYN minted while no minter was locked"
            );
        }

        // The allowance this step touched matches the model; all of them every 25 steps.
        assert_eq!(
            token.allowance(&mut chain, other, caller),
            model.allowance(other, caller),
            "{ctx}: allowance after {what}"
        );
        if step % 25 == 24 {
            for owner in &actors {
                for spender in &actors {
                    assert_eq!(
                        token.allowance(&mut chain, *owner, *spender),
                        model.allowance(*owner, *spender),
                        "{ctx}: allowance {owner:?} -> {spender:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn random_action_sequences_keep_every_invariant() {
    let wasm = dynamis_tests::bundle(BundleProvider::DynToken).wasm;
    let seeds = env_or("DYNAMIS_SEEDS", 4);
    let steps = env_or("DYNAMIS_STEPS", 150);
    let base = env_or("DYNAMIS_SEED_BASE", 0xD1_4A_31_5);
    for i in 0..seeds {
        run_sequence(&wasm, base.wrapping_add(i), steps);
    }
}
