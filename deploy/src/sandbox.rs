//! The in-process sandbox chain: drink's minimal runtime with pallet-contracts, on which the
//! suite is deployed, called with typed SCALE data, and read back with gas and decoded events.
//! The tests, the benchmarks and the sandbox gateway all drive it through [`Runtime`]. Built
//! only with the `sandbox` feature: the production verifier links no sandbox runtime.

pub use crate::calls::{call_data, AccountId};
use drink::{
    minimal::MinimalSandbox,
    pallet_contracts::{Determinism, ExecReturnValue},
    sandbox_api::prelude::*,
    AccountId32, Sandbox, Weight,
};
use scale::Decode;

pub use crate::gateway::BLOCK_MS;

/// Native balance given to every account that acts in a test (pays storage deposits).
const FUNDING: u128 = 1_000_000_000_000_000;

fn to_runtime(who: AccountId) -> AccountId32 {
    let raw: [u8; 32] = *who.as_ref();
    AccountId32::new(raw)
}

fn from_runtime(who: &AccountId32) -> AccountId {
    let raw: &[u8; 32] = who.as_ref();
    AccountId::from(*raw)
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
pub enum CallError {
    /// The runtime refused the call (trap, out of gas, no such contract, ...).
    Dispatch(String),
    /// ink! refused the call before the message ran (unknown selector, undecodable input).
    Lang(ink::LangError),
    /// The return value did not decode as the expected type.
    Decode(String),
}

/// A sandboxed chain with pallet-contracts, on which tests deploy and call contracts.
pub struct Runtime {
    sandbox: MinimalSandbox,
    gas_limit: Weight,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime {
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
    ) -> Result<Called<AccountId>, CallError> {
        let called = self.instantiate(wasm, deployer, data, salt)?;
        match called.value {
            Ok(address) => Ok(Called {
                value: address,
                reverted: false,
                gas: called.gas,
                events: called.events,
            }),
            Err(data) => Err(CallError::Dispatch(format!(
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
    ) -> Result<Result<Called<AccountId>, E>, CallError> {
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
                Ok(()) => Err(CallError::Decode("reverted with Ok".into())),
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
    ) -> Result<Called<Result<AccountId, Vec<u8>>>, CallError> {
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
        instantiated(result)
    }

    /// The current block number.
    pub fn block(&mut self) -> u32 {
        self.sandbox.block_number()
    }

    /// Moves the chain `blocks` blocks ahead (sets the block number; nothing else in these
    /// tests depends on per-block hooks) and its clock by [`BLOCK_MS`] per block.
    pub fn advance(&mut self, blocks: u32) {
        let to = self.block().saturating_add(blocks);
        self.sandbox.execute_with(|| {
            ink_sandbox::frame_system::Pallet::<<MinimalSandbox as Sandbox>::Runtime>::set_block_number(to)
        });
        let now = self.sandbox.get_timestamp();
        let ms = u64::from(blocks).saturating_mul(BLOCK_MS);
        self.sandbox.set_timestamp(now.saturating_add(ms));
    }

    /// The block timestamp (ms) calls made now see.
    pub fn timestamp(&mut self) -> u64 {
        self.sandbox.get_timestamp()
    }

    /// Calls `contract` as `caller` and decodes the message's return value as `R`.
    pub fn call<R: Decode>(
        &mut self,
        contract: AccountId,
        caller: AccountId,
        data: Vec<u8>,
    ) -> Result<Called<R>, CallError> {
        let called = self.call_raw(contract, caller, data)?;
        Ok(Called {
            value: decode_message_result::<R>(&called.value)?,
            reverted: called.reverted,
            gas: called.gas,
            events: called.events,
        })
    }

    /// Calls `contract` as `caller`; the value is the message's raw return data.
    pub fn call_raw(
        &mut self,
        contract: AccountId,
        caller: AccountId,
        data: Vec<u8>,
    ) -> Result<Called<Vec<u8>>, CallError> {
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
            .map_err(|e| CallError::Dispatch(format!("{e:?}")))?;
        Ok(Called {
            reverted: ret.did_revert(),
            value: ret.data,
            gas,
            events,
        })
    }

    /// A read-only call: its state changes (there should be none) are discarded.
    pub fn query<R: Decode>(&mut self, contract: AccountId, data: Vec<u8>) -> Result<R, CallError> {
        decode_message_result::<R>(&self.query_raw(contract, data)?)
    }

    /// A read-only call returning the message's raw return data.
    pub fn query_raw(&mut self, contract: AccountId, data: Vec<u8>) -> Result<Vec<u8>, CallError> {
        let caller = AccountId::from([0; 32]);
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
            .map_err(|e| CallError::Dispatch(format!("{e:?}")))?;
        Ok(ret.data)
    }

    /// Uploads `wasm` from `origin`; returns its code hash (uploading known code is a no-op).
    pub fn upload(&mut self, wasm: &[u8], origin: AccountId) -> Result<[u8; 32], CallError> {
        self.fund(origin);
        let result = self.sandbox.upload_contract(
            wasm.to_vec(),
            to_runtime(origin),
            None,
            Determinism::Enforced,
        );
        let uploaded = result.map_err(|e| CallError::Dispatch(format!("{e:?}")))?;
        Ok(uploaded.code_hash.0)
    }

    /// Instantiates uploaded code from `deployer`; the new address, or the constructor's
    /// revert data.
    pub fn instantiate_code(
        &mut self,
        code_hash: [u8; 32],
        deployer: AccountId,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<Called<Result<AccountId, Vec<u8>>>, CallError> {
        self.fund(deployer);
        self.sandbox.reset_events();
        let result = self.sandbox.instantiate_contract(
            code_hash.to_vec(),
            0,
            data,
            salt,
            to_runtime(deployer),
            self.gas_limit,
            None,
        );
        instantiated(result)
    }
}

type Instantiated = drink::pallet_contracts::ContractInstantiateResult<
    AccountId32,
    u128,
    ink_sandbox::EventRecordOf<<MinimalSandbox as Sandbox>::Runtime>,
>;

/// What an instantiation did: the new address, or the constructor's revert data.
fn instantiated(result: Instantiated) -> Result<Called<Result<AccountId, Vec<u8>>>, CallError> {
    let events = collect_events(result.events.as_deref().unwrap_or_default());
    let gas = result.gas_consumed;
    let ok = result
        .result
        .map_err(|e| CallError::Dispatch(format!("{e:?}")))?;
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

/// Decodes a message's return data `Result<R, LangError>` as `R`.
pub fn decode_message_result<R: Decode>(data: &[u8]) -> Result<R, CallError> {
    let decoded = <Result<R, ink::LangError>>::decode(&mut &data[..])
        .map_err(|e| CallError::Decode(format!("{e}: {data:?}")))?;
    decoded.map_err(CallError::Lang)
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
