//! Test harness over the compiled contracts: a drink sandbox chain with typed, SCALE-encoded
//! calls (no string transcoding), gas figures and decoded contract events per call.
//!
//! Every contract this crate depends on with `ink-as-dependency` is built by drink with
//! `cargo contract build --release` when this crate compiles; [`BundleProvider`] hands out the
//! resulting bundles.

pub mod attest;
pub mod bench;
pub mod psp22;
pub mod suite;

use drink::{
    minimal::MinimalSandbox,
    pallet_contracts::{Determinism, ExecReturnValue},
    sandbox_api::prelude::*,
    AccountId32, Sandbox, Weight,
};
pub use ink::primitives::AccountId;
use scale::{Decode, Encode};

#[drink::contract_bundle_provider]
pub enum BundleProvider {}

/// The compiled bundle of `contract`; a test cannot go on without it.
pub fn bundle(contract: BundleProvider) -> drink::session::ContractBundle {
    contract
        .bundle()
        .unwrap_or_else(|e| panic!("bundle of {contract:?}: {e:?}"))
}

/// Native balance given to every account that acts in a test (pays storage deposits).
const FUNDING: u128 = 1_000_000_000_000_000;

/// A deterministic test account.
pub fn account(n: u8) -> AccountId {
    AccountId::from([n; 32])
}

fn to_runtime(who: AccountId) -> AccountId32 {
    let raw: [u8; 32] = *who.as_ref();
    AccountId32::new(raw)
}

fn from_runtime(who: &AccountId32) -> AccountId {
    let raw: &[u8; 32] = who.as_ref();
    AccountId::from(*raw)
}

/// An encoded message or constructor call: selector followed by the SCALE-encoded arguments.
pub fn call_data(selector: [u8; 4], args: impl Encode) -> Vec<u8> {
    let mut data = selector.to_vec();
    args.encode_to(&mut data);
    data
}

/// The one event of type `E` among `events`; fails the test if there is none or several.
pub fn only<E: ink::env::Event + Decode>(events: &[RawEvent]) -> E {
    let found: Vec<E> = events.iter().filter_map(|e| e.decode_as::<E>()).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one such event in {events:?}"
    );
    found.into_iter().next().unwrap_or_else(|| unreachable!())
}

/// All events of type `E` among `events`, in order.
pub fn all<E: ink::env::Event + Decode>(events: &[RawEvent]) -> Vec<E> {
    events.iter().filter_map(|e| e.decode_as::<E>()).collect()
}

/// One event a contract emitted: its topics (the first is the event's signature topic)
/// and its SCALE-encoded fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub contract: AccountId,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

impl RawEvent {
    /// Decodes the event as `E` if its signature topic is `E`'s.
    pub fn decode_as<E: ink::env::Event + Decode>(&self) -> Option<E> {
        let signature = E::SIGNATURE_TOPIC?;
        if self.topics.first() != Some(&signature) {
            return None;
        }
        E::decode(&mut &self.data[..]).ok()
    }
}

/// What a call did: its decoded return value, whether it reverted, its gas and its events.
#[derive(Debug, Clone)]
pub struct Called<R> {
    pub value: R,
    pub reverted: bool,
    pub gas: Weight,
    pub events: Vec<RawEvent>,
}

/// Why a call produced no return value at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The runtime refused the call (trap, out of gas, no such contract, ...).
    Dispatch(String),
    /// ink! refused the call before the message ran (unknown selector, undecodable input).
    Lang(ink::LangError),
    /// The return value did not decode as the expected type.
    Decode(String),
}

/// A sandboxed chain with pallet-contracts, on which tests deploy and call contracts.
pub struct Chain {
    sandbox: MinimalSandbox,
    gas_limit: Weight,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    pub fn new() -> Self {
        Self {
            sandbox: MinimalSandbox::default(),
            gas_limit: MinimalSandbox::default_gas_limit(),
        }
    }

    /// The underlying sandbox, for block and time control.
    pub fn sandbox(&mut self) -> &mut MinimalSandbox {
        &mut self.sandbox
    }

    /// Gives `who` enough native balance to pay storage deposits.
    pub fn fund(&mut self, who: AccountId) {
        let who = to_runtime(who);
        if self.sandbox.free_balance(&who) < FUNDING {
            // Minting into a fresh account in the sandbox only fails on overflow.
            let _ = self.sandbox.mint_into(&who, FUNDING);
        }
    }

    /// Uploads and instantiates `wasm` from `deployer` with the constructor call `data`.
    pub fn deploy(
        &mut self,
        wasm: &[u8],
        deployer: AccountId,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<Called<AccountId>, ChainError> {
        let called = self.instantiate(wasm, deployer, data, salt)?;
        match called.value {
            Ok(address) => Ok(Called {
                value: address,
                reverted: false,
                gas: called.gas,
                events: called.events,
            }),
            Err(data) => Err(ChainError::Dispatch(format!(
                "constructor reverted: {data:?}"
            ))),
        }
    }

    /// Instantiates a contract whose constructor returns `Result<Self, E>`: `Ok(address)`, or
    /// the constructor's typed error if it refused.
    pub fn deploy_fallible<E: Decode>(
        &mut self,
        wasm: &[u8],
        deployer: AccountId,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<Result<Called<AccountId>, E>, ChainError> {
        let called = self.instantiate(wasm, deployer, data, salt)?;
        match called.value {
            Ok(address) => Ok(Ok(Called {
                value: address,
                reverted: false,
                gas: called.gas,
                events: called.events,
            })),
            Err(data) => match decode_message_result::<Result<(), E>>(&data)? {
                Err(e) => Ok(Err(e)),
                Ok(()) => Err(ChainError::Decode("reverted with Ok".into())),
            },
        }
    }

    /// One instantiation: the new address, or the revert data if the constructor reverted.
    fn instantiate(
        &mut self,
        wasm: &[u8],
        deployer: AccountId,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<Called<Result<AccountId, Vec<u8>>>, ChainError> {
        self.fund(deployer);
        // A block's events accumulate; keep only this call's.
        self.sandbox.reset_events();
        let result = self.sandbox.deploy_contract(
            wasm.to_vec(),
            0,
            data,
            salt,
            to_runtime(deployer),
            self.gas_limit,
            None,
        );
        let events = collect_events(result.events.as_deref().unwrap_or_default());
        let gas = result.gas_consumed;
        let ok = result
            .result
            .map_err(|e| ChainError::Dispatch(format!("{e:?}")))?;
        let reverted = ok.result.did_revert();
        let value = if reverted {
            Err(ok.result.data)
        } else {
            Ok(from_runtime(&ok.account_id))
        };
        Ok(Called {
            value,
            reverted,
            gas,
            events,
        })
    }

    /// The current block number.
    pub fn block(&mut self) -> u32 {
        self.sandbox.block_number()
    }

    /// Moves the chain `blocks` blocks ahead (sets the block number; nothing else in these
    /// tests depends on per-block hooks).
    pub fn advance(&mut self, blocks: u32) {
        let to = self.block().saturating_add(blocks);
        self.sandbox.execute_with(|| {
            ink_sandbox::frame_system::Pallet::<<MinimalSandbox as Sandbox>::Runtime>::set_block_number(to)
        });
    }

    /// Calls `contract` as `caller` and decodes the message's return value as `R`.
    pub fn call<R: Decode>(
        &mut self,
        contract: AccountId,
        caller: AccountId,
        data: Vec<u8>,
    ) -> Result<Called<R>, ChainError> {
        self.fund(caller);
        self.sandbox.reset_events();
        let result = self.sandbox.call_contract(
            to_runtime(contract),
            0,
            data,
            to_runtime(caller),
            self.gas_limit,
            None,
            Determinism::Enforced,
        );
        let events = collect_events(result.events.as_deref().unwrap_or_default());
        let gas = result.gas_consumed;
        let ret: ExecReturnValue = result
            .result
            .map_err(|e| ChainError::Dispatch(format!("{e:?}")))?;
        let value = decode_message_result::<R>(&ret.data)?;
        Ok(Called {
            value,
            reverted: ret.did_revert(),
            gas,
            events,
        })
    }

    /// A read-only call: its state changes (there should be none) are discarded.
    pub fn query<R: Decode>(
        &mut self,
        contract: AccountId,
        data: Vec<u8>,
    ) -> Result<R, ChainError> {
        let caller = account(0);
        self.fund(caller);
        let gas_limit = self.gas_limit;
        let result = self.sandbox.dry_run(|sandbox| {
            sandbox.call_contract(
                to_runtime(contract),
                0,
                data,
                to_runtime(caller),
                gas_limit,
                None,
                Determinism::Enforced,
            )
        });
        let ret = result
            .result
            .map_err(|e| ChainError::Dispatch(format!("{e:?}")))?;
        decode_message_result::<R>(&ret.data)
    }
}

fn decode_message_result<R: Decode>(data: &[u8]) -> Result<R, ChainError> {
    let decoded = <Result<R, ink::LangError>>::decode(&mut &data[..])
        .map_err(|e| ChainError::Decode(format!("{e}: {data:?}")))?;
    decoded.map_err(ChainError::Lang)
}

fn collect_events(
    records: &[ink_sandbox::EventRecordOf<<MinimalSandbox as Sandbox>::Runtime>],
) -> Vec<RawEvent> {
    use drink::minimal::RuntimeEvent;
    use drink::pallet_contracts::Event as ContractsEvent;
    records
        .iter()
        .filter_map(|record| match &record.event {
            RuntimeEvent::Contracts(ContractsEvent::ContractEmitted { contract, data }) => {
                Some(RawEvent {
                    contract: from_runtime(contract),
                    topics: record.topics.iter().map(|t| t.0).collect(),
                    data: data.clone(),
                })
            }
            _ => None,
        })
        .collect()
}
