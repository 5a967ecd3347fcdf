//! PSP22 (the Polkadot fungible-token standard): the message traits with their standard
//! selectors, the standard error and events, and the ledger rules as plain Rust.
//!
//! The traits carry no namespace, so `PSP22::transfer` has the selector `0xdb20f9f5` that
//! wallets, DEXes and other contracts expect. Any contract can call a PSP22 token through
//! `ink::contract_ref!(PSP22)`.
//!
//! [`Psp22Ledger`] holds balances, allowances and the total supply. Its methods take the caller
//! explicitly and return the events to emit, so the rules can be unit-tested without a contract
//! around them; the contract only authorises, calls and emits.

use ink::{
    prelude::{string::String, vec, vec::Vec},
    primitives::AccountId,
    storage::Mapping,
};

/// The standard PSP22 error. Clients decode it by position, so variants must not be reordered.
// The SCALE derive of an enum whose variants carry data trips cargo-contract's
// `cast_possible_truncation` lint inside the generated code; the enum has 6 variants.
#[allow(clippy::cast_possible_truncation)]
#[derive(Debug, PartialEq, Eq, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PSP22Error {
    /// An implementation-specific error, described by its text.
    Custom(String),
    /// The account does not hold enough tokens for the operation.
    InsufficientBalance,
    /// The spender's allowance is too small for the operation.
    InsufficientAllowance,
    /// Deprecated by the standard; never returned.
    ZeroRecipientAddress,
    /// Deprecated by the standard; never returned.
    ZeroSenderAddress,
    /// Deprecated by the standard; never returned.
    SafeTransferCheckFailed(String),
}

/// An allowance changed: `spender` may now move `amount` of `owner`'s tokens.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    #[ink(topic)]
    pub owner: AccountId,
    #[ink(topic)]
    pub spender: AccountId,
    pub amount: u128,
}

/// Tokens moved. `from == None` is a mint, `to == None` is a burn.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    #[ink(topic)]
    pub from: Option<AccountId>,
    #[ink(topic)]
    pub to: Option<AccountId>,
    pub value: u128,
}

/// The `data: Vec<u8>` argument of `transfer` and `transfer_from`, which PSP22 passes along and
/// this token does not use.
///
/// On the wire and in the metadata it is exactly a `Vec<u8>` (so every PSP22 caller works
/// unchanged), but decoding skips the bytes instead of copying them to the heap. That keeps both
/// the Wasm and every transfer's gas smaller. Encoding always sends empty data.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TransferData;

impl ink::scale::Encode for TransferData {
    fn size_hint(&self) -> usize {
        1
    }

    fn encode_to<T: ink::scale::Output + ?Sized>(&self, dest: &mut T) {
        ink::scale::Compact(0u32).encode_to(dest)
    }
}

impl ink::scale::Decode for TransferData {
    fn decode<I: ink::scale::Input>(input: &mut I) -> Result<Self, ink::scale::Error> {
        // The SCALE compact length prefix, read by hand: the generic `Compact` decoder costs
        // far more Wasm than the three modes a call's data can use.
        let first = input.read_byte()?;
        let prefix = match first & 0b11 {
            0 => u32::from(first),
            1 => u32::from(u16::from_le_bytes([first, input.read_byte()?])),
            2 => {
                let mut rest = [0u8; 3];
                input.read(&mut rest)?;
                u32::from_le_bytes([first, rest[0], rest[1], rest[2]])
            }
            _ => return Err("transfer data longer than 2^30 bytes".into()),
        };
        let mut left = usize::try_from(prefix.wrapping_shr(2))
            .map_err(|_| "transfer data length does not fit usize")?;
        let mut chunk = [0u8; 32];
        while left > 0 {
            let n = left.min(chunk.len());
            input.read(chunk.get_mut(..n).ok_or("chunk")?)?;
            left = left.saturating_sub(n);
        }
        Ok(TransferData)
    }
}

#[cfg(feature = "std")]
impl ink::scale_info::TypeInfo for TransferData {
    type Identity = Vec<u8>;

    fn type_info() -> ink::scale_info::Type {
        <Vec<u8> as ink::scale_info::TypeInfo>::type_info()
    }
}

/// One PSP22 event to emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Psp22Event {
    Transfer(Transfer),
    Approval(Approval),
}

/// The events one ledger operation produced, in the order they must be emitted (an allowance
/// change before the transfer it paid for).
///
/// A `Vec` on purpose: moving a pointer is cheap, while moving inline event structs (≈170
/// bytes) through `Result`s costs thousands of Wasm instructions per call, since memcpy has no
/// bulk-memory instruction to lean on. An empty `Vec` does not allocate.
pub type Psp22Events = Vec<Psp22Event>;

fn transfer_event(from: Option<AccountId>, to: Option<AccountId>, value: u128) -> Psp22Events {
    vec![Psp22Event::Transfer(Transfer { from, to, value })]
}

fn approval_event(owner: AccountId, spender: AccountId, amount: u128) -> Psp22Events {
    vec![Psp22Event::Approval(Approval {
        owner,
        spender,
        amount,
    })]
}

/// Balances, allowances and total supply of a PSP22 token.
///
/// Zero balances and zero allowances are removed from storage rather than stored as `0`, so an
/// account that empties itself stops paying storage deposit.
#[ink::storage_item]
#[derive(Debug, Default)]
pub struct Psp22Ledger {
    total_supply: u128,
    balances: Mapping<AccountId, u128>,
    allowances: Mapping<(AccountId, AccountId), u128>,
}

impl Psp22Ledger {
    /// A ledger whose whole initial `supply` belongs to `holder`, and the mint event for it.
    pub fn new(holder: AccountId, supply: u128) -> (Self, Psp22Events) {
        let mut ledger = Self {
            total_supply: supply,
            ..Self::default()
        };
        ledger.set_balance(holder, supply);
        (ledger, transfer_event(None, Some(holder), supply))
    }

    pub fn total_supply(&self) -> u128 {
        self.total_supply
    }

    pub fn balance_of(&self, owner: AccountId) -> u128 {
        self.balances.get(owner).unwrap_or_default()
    }

    pub fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
        self.allowances.get((owner, spender)).unwrap_or_default()
    }

    fn set_balance(&mut self, owner: AccountId, value: u128) {
        if value == 0 {
            self.balances.remove(owner);
        } else {
            self.balances.insert(owner, &value);
        }
    }

    fn set_allowance(&mut self, owner: AccountId, spender: AccountId, value: u128) {
        if value == 0 {
            self.allowances.remove((owner, spender));
        } else {
            self.allowances.insert((owner, spender), &value);
        }
    }

    /// Takes `value` out of `from`'s balance, or fails leaving it as it was.
    fn debit(&mut self, from: AccountId, value: u128) -> Result<(), PSP22Error> {
        let remaining = self
            .balance_of(from)
            .checked_sub(value)
            .ok_or(PSP22Error::InsufficientBalance)?;
        self.set_balance(from, remaining);
        Ok(())
    }

    /// Adds `value` to `to`'s balance. It cannot overflow: the balances sum to the total
    /// supply, a u128 whose every change is checked, and every caller has either debited
    /// `value` or added it to the supply. (Saturating here is what the PSP22 reference does:
    /// a checked add would be dead code on every transfer's path.)
    fn credit(&mut self, to: AccountId, value: u128) {
        let credited = self.balance_of(to).saturating_add(value);
        self.set_balance(to, credited);
    }

    /// Moves `value` from `from` to `to` without any allowance check.
    fn move_balance(
        &mut self,
        from: AccountId,
        to: AccountId,
        value: u128,
    ) -> Result<(), PSP22Error> {
        self.debit(from, value)?;
        self.credit(to, value);
        Ok(())
    }

    /// `caller` sends `value` to `to`. Sending zero, or to oneself, succeeds and changes nothing.
    pub fn transfer(
        &mut self,
        caller: AccountId,
        to: AccountId,
        value: u128,
    ) -> Result<Psp22Events, PSP22Error> {
        if caller == to || value == 0 {
            return Ok(Vec::new());
        }
        self.move_balance(caller, to, value)?;
        Ok(transfer_event(Some(caller), Some(to), value))
    }

    /// `caller` moves `value` from `from` to `to`, spending `from`'s allowance to `caller`
    /// (no allowance is needed when `caller == from`).
    pub fn transfer_from(
        &mut self,
        caller: AccountId,
        from: AccountId,
        to: AccountId,
        value: u128,
    ) -> Result<Psp22Events, PSP22Error> {
        if from == to || value == 0 {
            return Ok(Vec::new());
        }
        if caller == from {
            return self.transfer(caller, to, value);
        }
        let allowance = self
            .allowance(from, caller)
            .checked_sub(value)
            .ok_or(PSP22Error::InsufficientAllowance)?;
        self.move_balance(from, to, value)?;
        self.set_allowance(from, caller, allowance);
        Ok(vec![
            Psp22Event::Approval(Approval {
                owner: from,
                spender: caller,
                amount: allowance,
            }),
            Psp22Event::Transfer(Transfer {
                from: Some(from),
                to: Some(to),
                value,
            }),
        ])
    }

    /// `owner` lets `spender` move up to `value` of its tokens, replacing any earlier allowance.
    pub fn approve(&mut self, owner: AccountId, spender: AccountId, value: u128) -> Psp22Events {
        if owner == spender {
            return Vec::new();
        }
        self.set_allowance(owner, spender, value);
        approval_event(owner, spender, value)
    }

    /// Raises `owner`'s allowance to `spender` by `delta` (saturating at `u128::MAX`).
    pub fn increase_allowance(
        &mut self,
        owner: AccountId,
        spender: AccountId,
        delta: u128,
    ) -> Psp22Events {
        if owner == spender || delta == 0 {
            return Vec::new();
        }
        let amount = self.allowance(owner, spender).saturating_add(delta);
        self.set_allowance(owner, spender, amount);
        approval_event(owner, spender, amount)
    }

    /// Lowers `owner`'s allowance to `spender` by `delta`; fails if the allowance is smaller.
    pub fn decrease_allowance(
        &mut self,
        owner: AccountId,
        spender: AccountId,
        delta: u128,
    ) -> Result<Psp22Events, PSP22Error> {
        if owner == spender || delta == 0 {
            return Ok(Vec::new());
        }
        let amount = self
            .allowance(owner, spender)
            .checked_sub(delta)
            .ok_or(PSP22Error::InsufficientAllowance)?;
        self.set_allowance(owner, spender, amount);
        Ok(approval_event(owner, spender, amount))
    }

    /// Creates `value` new tokens for `to`. Who may mint is the contract's decision, not the
    /// ledger's.
    pub fn mint(&mut self, to: AccountId, value: u128) -> Result<Psp22Events, PSP22Error> {
        if value == 0 {
            return Ok(Vec::new());
        }
        let supply = self
            .total_supply()
            .checked_add(value)
            .ok_or_else(|| PSP22Error::Custom(String::from("SupplyOverflow")))?;
        self.total_supply = supply;
        self.credit(to, value);
        Ok(transfer_event(None, Some(to), value))
    }

    /// Destroys `value` of `from`'s tokens.
    pub fn burn(&mut self, from: AccountId, value: u128) -> Result<Psp22Events, PSP22Error> {
        if value == 0 {
            return Ok(Vec::new());
        }
        let remaining = self
            .balance_of(from)
            .checked_sub(value)
            .ok_or(PSP22Error::InsufficientBalance)?;
        // The burned balance is part of the supply: if the supply were smaller, the ledger is
        // broken and the call fails before anything changes instead of hiding it.
        let supply = self
            .total_supply()
            .checked_sub(value)
            .ok_or_else(|| PSP22Error::Custom(String::from("SupplyUnderflow")))?;
        self.set_balance(from, remaining);
        self.total_supply = supply;
        Ok(transfer_event(Some(from), None, value))
    }
}

/// The core PSP22 messages.
#[ink::trait_definition]
pub trait PSP22 {
    /// All tokens in existence.
    #[ink(message)]
    fn total_supply(&self) -> u128;

    /// Tokens held by `owner`.
    #[ink(message)]
    fn balance_of(&self, owner: AccountId) -> u128;

    /// What `spender` may still move out of `owner`'s account.
    #[ink(message)]
    fn allowance(&self, owner: AccountId, spender: AccountId) -> u128;

    /// Moves `value` of the caller's tokens to `to`.
    #[ink(message)]
    fn transfer(
        &mut self,
        to: AccountId,
        value: u128,
        data: TransferData,
    ) -> Result<(), PSP22Error>;

    /// Moves `value` from `from` to `to` against the caller's allowance.
    #[ink(message)]
    fn transfer_from(
        &mut self,
        from: AccountId,
        to: AccountId,
        value: u128,
        data: TransferData,
    ) -> Result<(), PSP22Error>;

    /// Sets the caller's allowance to `spender` to `value`.
    #[ink(message)]
    fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error>;

    /// Raises the caller's allowance to `spender` by `delta_value`.
    #[ink(message)]
    fn increase_allowance(
        &mut self,
        spender: AccountId,
        delta_value: u128,
    ) -> Result<(), PSP22Error>;

    /// Lowers the caller's allowance to `spender` by `delta_value`.
    #[ink(message)]
    fn decrease_allowance(
        &mut self,
        spender: AccountId,
        delta_value: u128,
    ) -> Result<(), PSP22Error>;
}

/// PSP22 metadata extension.
#[ink::trait_definition]
pub trait PSP22Metadata {
    #[ink(message)]
    fn token_name(&self) -> Option<String>;
    #[ink(message)]
    fn token_symbol(&self) -> Option<String>;
    #[ink(message)]
    fn token_decimals(&self) -> u8;
}

/// PSP22 burnable extension: the caller destroys its own tokens.
#[ink::trait_definition]
pub trait PSP22Burnable {
    #[ink(message)]
    fn burn(&mut self, value: u128) -> Result<(), PSP22Error>;
}

/// PSP22 mintable extension: creates tokens for the caller, if the token lets it.
#[ink::trait_definition]
pub trait PSP22Mintable {
    #[ink(message)]
    fn mint(&mut self, value: u128) -> Result<(), PSP22Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    fn ledger_with(holder: AccountId, supply: u128) -> Psp22Ledger {
        let (ledger, events) = Psp22Ledger::new(holder, supply);
        assert_eq!(events, transfer_event(None, Some(holder), supply));
        ledger
    }

    // Off-chain (std) storage needs ink's test environment.
    fn run(test: impl FnOnce()) {
        ink::env::test::run_test::<ink::env::DefaultEnvironment, _>(|_| {
            test();
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
    }

    #[test]
    fn transfer_data_reads_any_vec_u8_and_leaves_what_follows() {
        use ink::scale::{Decode, Encode};
        for len in [0usize, 1, 31, 32, 33, 63, 64, 100, 16_383, 16_384, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut encoded = (data, 0xABCD_u16).encode();
            let mut input = &encoded[..];
            assert_eq!(
                TransferData::decode(&mut input),
                Ok(TransferData),
                "len {len}"
            );
            assert_eq!(u16::decode(&mut input), Ok(0xABCD), "len {len}");
            // Truncated data is an error, not a silent success.
            encoded.truncate(encoded.len() - 3);
            let mut short = &encoded[..];
            if len > 0 {
                assert!(TransferData::decode(&mut short).is_err(), "len {len}");
            }
        }
        assert_eq!(TransferData.encode(), Vec::<u8>::new().encode());
        assert!(TransferData::decode(&mut &[0b11u8, 0, 0, 0, 0][..]).is_err());
    }

    #[test]
    fn transfer_moves_value_and_reports_it() {
        run(|| {
            let mut l = ledger_with(acc(1), 100);
            let ev = l.transfer(acc(1), acc(2), 40);
            assert_eq!(ev, Ok(transfer_event(Some(acc(1)), Some(acc(2)), 40)));
            assert_eq!((l.balance_of(acc(1)), l.balance_of(acc(2))), (60, 40));
            assert_eq!(l.total_supply(), 100);
        });
    }

    #[test]
    fn zero_and_self_transfers_change_nothing_and_emit_nothing() {
        run(|| {
            let mut l = ledger_with(acc(1), 100);
            assert_eq!(l.transfer(acc(1), acc(2), 0), Ok(Vec::new()));
            assert_eq!(l.transfer(acc(1), acc(1), 1_000), Ok(Vec::new()));
            assert_eq!(l.transfer_from(acc(3), acc(1), acc(1), 5), Ok(Vec::new()));
            assert_eq!(l.balance_of(acc(1)), 100);
        });
    }

    #[test]
    fn transfer_beyond_balance_fails_and_changes_nothing() {
        run(|| {
            let mut l = ledger_with(acc(1), 100);
            assert_eq!(
                l.transfer(acc(1), acc(2), 101),
                Err(PSP22Error::InsufficientBalance)
            );
            assert_eq!((l.balance_of(acc(1)), l.balance_of(acc(2))), (100, 0));
        });
    }

    #[test]
    fn transfer_from_spends_allowance_and_reports_the_rest() {
        run(|| {
            let mut l = ledger_with(acc(1), 100);
            l.approve(acc(1), acc(3), 50);
            let ev = l.transfer_from(acc(3), acc(1), acc(2), 20);
            assert_eq!(
                ev,
                Ok(vec![
                    Psp22Event::Approval(Approval {
                        owner: acc(1),
                        spender: acc(3),
                        amount: 30
                    }),
                    Psp22Event::Transfer(Transfer {
                        from: Some(acc(1)),
                        to: Some(acc(2)),
                        value: 20
                    }),
                ])
            );
            assert_eq!(l.allowance(acc(1), acc(3)), 30);
            assert_eq!(
                l.transfer_from(acc(3), acc(1), acc(2), 31),
                Err(PSP22Error::InsufficientAllowance)
            );
        });
    }

    #[test]
    fn transfer_from_with_allowance_but_no_balance_fails_without_spending() {
        run(|| {
            let mut l = ledger_with(acc(1), 10);
            l.approve(acc(1), acc(3), 50);
            assert_eq!(
                l.transfer_from(acc(3), acc(1), acc(2), 20),
                Err(PSP22Error::InsufficientBalance)
            );
            assert_eq!(l.allowance(acc(1), acc(3)), 50);
        });
    }

    #[test]
    fn allowance_changes_saturate_or_fail_as_specified() {
        run(|| {
            let mut l = ledger_with(acc(1), 10);
            l.approve(acc(1), acc(3), u128::MAX - 1);
            l.increase_allowance(acc(1), acc(3), 5);
            assert_eq!(l.allowance(acc(1), acc(3)), u128::MAX);
            l.approve(acc(1), acc(3), 4);
            assert_eq!(
                l.decrease_allowance(acc(1), acc(3), 5),
                Err(PSP22Error::InsufficientAllowance)
            );
            assert!(l.decrease_allowance(acc(1), acc(3), 4).is_ok());
            assert_eq!(l.allowance(acc(1), acc(3)), 0);
            assert_eq!(l.approve(acc(1), acc(1), 9), Vec::new());
            assert_eq!(l.allowance(acc(1), acc(1)), 0);
        });
    }

    #[test]
    fn mint_and_burn_move_the_supply() {
        run(|| {
            let mut l = ledger_with(acc(1), 10);
            assert!(l.burn(acc(1), 4).is_ok());
            assert_eq!(l.total_supply(), 6);
            assert_eq!(l.burn(acc(1), 7), Err(PSP22Error::InsufficientBalance));
            assert_eq!(
                l.mint(acc(2), u128::MAX),
                Err(PSP22Error::Custom(String::from("SupplyOverflow")))
            );
            assert_eq!(l.total_supply(), 6);
        });
    }

    #[test]
    fn a_burn_beyond_a_broken_supply_reverts_instead_of_saturating() {
        run(|| {
            let a = acc(1);
            let mut l = ledger_with(a, 100);
            // A supply that no longer covers the balances: burning is refused.
            l.total_supply = 10;
            assert_eq!(
                l.burn(a, 50),
                Err(PSP22Error::Custom("SupplyUnderflow".into()))
            );
            assert_eq!((l.total_supply(), l.balance_of(a)), (10, 100));
        });
    }
}
