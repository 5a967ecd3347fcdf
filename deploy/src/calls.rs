//! Every message selector of the suite, derived the way ink! derives them (deployment, the
//! verifier and the tests all encode calls with these), and decoding of message results.

pub use ink::primitives::AccountId;
use scale::{Decode, Encode};

/// An encoded message or constructor call: selector followed by the SCALE-encoded arguments.
pub fn call_data(selector: [u8; 4], args: impl Encode) -> Vec<u8> {
    let mut data = selector.to_vec();
    args.encode_to(&mut data);
    data
}

/// Constructors, wiring and parameters: the same names in every contract.
pub mod common {
    pub const NEW: [u8; 4] = ink::selector_bytes!("new");
    pub const WITH_DEFAULTS: [u8; 4] = ink::selector_bytes!("with_defaults");
    pub const LOCK_WIRING: [u8; 4] = ink::selector_bytes!("lock_wiring");
    pub const WIRING: [u8; 4] = ink::selector_bytes!("wiring");
    pub const PARAMS: [u8; 4] = ink::selector_bytes!("params");
    pub const BOUNDS: [u8; 4] = ink::selector_bytes!("bounds");
    pub const SET_PARAMS: [u8; 4] = ink::selector_bytes!("set_params");
    pub const SET_RESOLVER: [u8; 4] = ink::selector_bytes!("set_resolver");
    pub const GOVERNANCE: [u8; 4] = ink::selector_bytes!("governance");
    pub const WIRED: [u8; 4] = ink::selector_bytes!("wired");
}

/// DYN: the standard PSP22 selectors (BLAKE2 of `Trait::message`) and the minter lock.
pub mod token {
    pub use super::common::*;
    pub const TOTAL_SUPPLY: [u8; 4] = ink::selector_bytes!("PSP22::total_supply");
    pub const BALANCE_OF: [u8; 4] = ink::selector_bytes!("PSP22::balance_of");
    pub const ALLOWANCE: [u8; 4] = ink::selector_bytes!("PSP22::allowance");
    pub const TRANSFER: [u8; 4] = ink::selector_bytes!("PSP22::transfer");
    pub const TRANSFER_FROM: [u8; 4] = ink::selector_bytes!("PSP22::transfer_from");
    pub const APPROVE: [u8; 4] = ink::selector_bytes!("PSP22::approve");
    pub const INCREASE_ALLOWANCE: [u8; 4] = ink::selector_bytes!("PSP22::increase_allowance");
    pub const DECREASE_ALLOWANCE: [u8; 4] = ink::selector_bytes!("PSP22::decrease_allowance");
    pub const TOKEN_NAME: [u8; 4] = ink::selector_bytes!("PSP22Metadata::token_name");
    pub const TOKEN_SYMBOL: [u8; 4] = ink::selector_bytes!("PSP22Metadata::token_symbol");
    pub const TOKEN_DECIMALS: [u8; 4] = ink::selector_bytes!("PSP22Metadata::token_decimals");
    pub const BURN: [u8; 4] = ink::selector_bytes!("PSP22Burnable::burn");
    pub const MINT: [u8; 4] = ink::selector_bytes!("PSP22Mintable::mint");
    pub const LOCK_MINTER: [u8; 4] = ink::selector_bytes!("lock_minter");
    pub const MINTER_STATE: [u8; 4] = ink::selector_bytes!("minter_state");
}

pub mod reputation {
    pub use super::common::*;
    pub const ADD_WRITER: [u8; 4] = ink::selector_bytes!("add_writer");
    pub const SEED_FOUNDER: [u8; 4] = ink::selector_bytes!("seed_founder");
    pub const HISTORY: [u8; 4] = ink::selector_bytes!("history");
    pub const IS_WRITER: [u8; 4] = ink::selector_bytes!("is_writer");
    pub const SCORE: [u8; 4] = ink::selector_bytes!("Reputation::score");
    pub const AUTHORITY: [u8; 4] = ink::selector_bytes!("Reputation::authority");
    pub const RECORD_SUCCESS: [u8; 4] = ink::selector_bytes!("Reputation::record_success");
    pub const RECORD_FAULT: [u8; 4] = ink::selector_bytes!("Reputation::record_fault");
}

pub mod bonding {
    pub use super::common::*;
    pub const BOND: [u8; 4] = ink::selector_bytes!("bond");
    pub const UNBOND: [u8; 4] = ink::selector_bytes!("unbond");
    pub const WITHDRAW: [u8; 4] = ink::selector_bytes!("withdraw");
    pub const DISPUTE_SLASH: [u8; 4] = ink::selector_bytes!("dispute_slash");
    pub const RESOLVE_DISPUTE: [u8; 4] = ink::selector_bytes!("resolve_dispute");
    pub const EXPIRE_DISPUTE: [u8; 4] = ink::selector_bytes!("expire_dispute");
    pub const SETTLE_SLASH: [u8; 4] = ink::selector_bytes!("settle_slash");
    pub const ADD_REPORTER: [u8; 4] = ink::selector_bytes!("add_reporter");
    pub const STAKE: [u8; 4] = ink::selector_bytes!("stake");
    pub const SLASH: [u8; 4] = ink::selector_bytes!("slash");
    pub const NEXT_SLASH: [u8; 4] = ink::selector_bytes!("next_slash");
    pub const HOLDINGS: [u8; 4] = ink::selector_bytes!("holdings");
    pub const IS_REPORTER: [u8; 4] = ink::selector_bytes!("is_reporter");
    pub const ROLE_WEIGHT: [u8; 4] = ink::selector_bytes!("role_weight");
    pub const ACTIVE_AT: [u8; 4] = ink::selector_bytes!("active_at");
    pub const ACTIVE_BOND: [u8; 4] = ink::selector_bytes!("Bonding::active_bond");
    pub const IS_BONDED: [u8; 4] = ink::selector_bytes!("Bonding::is_bonded");
    pub const BONDED_STAKE: [u8; 4] = ink::selector_bytes!("Bonding::bonded_stake");
    pub const WEIGHT: [u8; 4] = ink::selector_bytes!("Bonding::weight");
    pub const REPORT_SLASH: [u8; 4] = ink::selector_bytes!("Bonding::report_slash");
}

pub mod attestations {
    pub use super::common::*;
    pub const REGISTER_KEY: [u8; 4] = ink::selector_bytes!("register_key");
    pub const REMOVE_KEY: [u8; 4] = ink::selector_bytes!("remove_key");
    pub const SYNC_WEIGHT: [u8; 4] = ink::selector_bytes!("sync_weight");
    pub const SUBMIT: [u8; 4] = ink::selector_bytes!("submit");
    pub const POWER_FLUX: [u8; 4] = ink::selector_bytes!("power_flux");
    pub const CHALLENGE: [u8; 4] = ink::selector_bytes!("challenge");
    pub const CONTEST: [u8; 4] = ink::selector_bytes!("contest");
    pub const RESOLVE_CONTEST: [u8; 4] = ink::selector_bytes!("resolve_contest");
    pub const EXPIRE_CONTEST: [u8; 4] = ink::selector_bytes!("expire_contest");
    pub const REQUEST_ITEM: [u8; 4] = ink::selector_bytes!("request_item");
    pub const ANSWER: [u8; 4] = ink::selector_bytes!("answer");
    pub const CLAIM_UNANSWERED: [u8; 4] = ink::selector_bytes!("claim_unanswered");
    pub const FINALIZE: [u8; 4] = ink::selector_bytes!("finalize");
    pub const ATTESTATION: [u8; 4] = ink::selector_bytes!("attestation");
    pub const REQUEST: [u8; 4] = ink::selector_bytes!("request");
    pub const ID_OF_ROOT: [u8; 4] = ink::selector_bytes!("id_of_root");
    pub const KEY_OF: [u8; 4] = ink::selector_bytes!("key_of");
    pub const OWNER_OF: [u8; 4] = ink::selector_bytes!("owner_of");
    pub const REGISTERED: [u8; 4] = ink::selector_bytes!("registered");
    pub const WEIGHT_OF: [u8; 4] = ink::selector_bytes!("weight_of");
    pub const TOTAL_WEIGHT: [u8; 4] = ink::selector_bytes!("total_weight");
    pub const REQUIRED_WEIGHT: [u8; 4] = ink::selector_bytes!("required_weight");
    pub const TOTALS: [u8; 4] = ink::selector_bytes!("totals");
    pub const CREDITED: [u8; 4] = ink::selector_bytes!("credited");
    pub const CLOSES_AT: [u8; 4] = ink::selector_bytes!("closes_at");
    pub const CURRENT_EPOCH: [u8; 4] = ink::selector_bytes!("Capacity::current_epoch");
    pub const NEWEST_CLOSED_EPOCH: [u8; 4] = ink::selector_bytes!("Capacity::newest_closed_epoch");
    pub const IS_FINAL: [u8; 4] = ink::selector_bytes!("Capacity::is_final");
    pub const CAPACITY: [u8; 4] = ink::selector_bytes!("Capacity::capacity");
    pub const EPOCH_CAPACITY: [u8; 4] = ink::selector_bytes!("Capacity::epoch_capacity");
    pub const ATTESTED: [u8; 4] = ink::selector_bytes!("Capacity::attested");
}

pub mod mint_credits {
    pub use super::common::*;
    pub const ADVANCE_PHASE: [u8; 4] = ink::selector_bytes!("advance_phase");
    pub const PROPOSE: [u8; 4] = ink::selector_bytes!("propose");
    pub const CONSENT: [u8; 4] = ink::selector_bytes!("consent");
    pub const CHALLENGE: [u8; 4] = ink::selector_bytes!("challenge");
    pub const RESOLVE: [u8; 4] = ink::selector_bytes!("resolve");
    pub const EXPIRE_CHALLENGE: [u8; 4] = ink::selector_bytes!("expire_challenge");
    pub const EXPIRE: [u8; 4] = ink::selector_bytes!("expire");
    pub const ACTIVATE: [u8; 4] = ink::selector_bytes!("activate");
    pub const RELEASE: [u8; 4] = ink::selector_bytes!("release");
    pub const BURN_ON_DROP: [u8; 4] = ink::selector_bytes!("burn_on_drop");
    pub const REPORT_FAILURE: [u8; 4] = ink::selector_bytes!("report_failure");
    pub const SET_TUNABLES: [u8; 4] = ink::selector_bytes!("set_tunables");
    pub const BOUND: [u8; 4] = ink::selector_bytes!("bound");
    pub const PHASE: [u8; 4] = ink::selector_bytes!("phase");
    pub const PROPOSAL: [u8; 4] = ink::selector_bytes!("proposal");
    pub const CREDIT: [u8; 4] = ink::selector_bytes!("credit");
    pub const TOTALS: [u8; 4] = ink::selector_bytes!("totals");
    pub const TUNABLES: [u8; 4] = ink::selector_bytes!("tunables");
    pub const IS_CITED: [u8; 4] = ink::selector_bytes!("is_cited");
    pub const CLAIMED: [u8; 4] = ink::selector_bytes!("claimed");
    pub const OWED: [u8; 4] = ink::selector_bytes!("owed");
    pub const CONSENTS: [u8; 4] = ink::selector_bytes!("consents");
}

pub mod governance {
    pub use super::common::*;
    pub const WIRE: [u8; 4] = ink::selector_bytes!("wire");
    pub const LOCK: [u8; 4] = ink::selector_bytes!("lock");
    pub const UNLOCK: [u8; 4] = ink::selector_bytes!("unlock");
    pub const PROPOSE: [u8; 4] = ink::selector_bytes!("propose");
    pub const VOTE: [u8; 4] = ink::selector_bytes!("vote");
    pub const QUEUE: [u8; 4] = ink::selector_bytes!("queue");
    pub const EXECUTE: [u8; 4] = ink::selector_bytes!("execute");
    pub const CANCEL: [u8; 4] = ink::selector_bytes!("cancel");
    pub const SETTLE_DEPOSIT: [u8; 4] = ink::selector_bytes!("settle_deposit");
    pub const PROPOSAL: [u8; 4] = ink::selector_bytes!("proposal");
    pub const ACTIONS: [u8; 4] = ink::selector_bytes!("actions");
    pub const STATE: [u8; 4] = ink::selector_bytes!("state");
    pub const VOTE_OF: [u8; 4] = ink::selector_bytes!("vote_of");
    pub const POWER: [u8; 4] = ink::selector_bytes!("power");
    pub const LOCKED: [u8; 4] = ink::selector_bytes!("locked");
    pub const LOCKED_AT: [u8; 4] = ink::selector_bytes!("locked_at");
    pub const TREASURY: [u8; 4] = ink::selector_bytes!("treasury");
    pub const HELD: [u8; 4] = ink::selector_bytes!("held");
    pub const NEXT_ID: [u8; 4] = ink::selector_bytes!("next_id");
    pub const CONFIG: [u8; 4] = ink::selector_bytes!("config");
    pub const COUNCIL: [u8; 4] = ink::selector_bytes!("council");
    pub const TARGETS: [u8; 4] = ink::selector_bytes!("targets");
}

/// Power/Flux; its Flux token answers the PSP22 selectors of [`token`].
pub mod power_flux {
    pub use super::common::*;
    pub const ADD_REPORTER: [u8; 4] = ink::selector_bytes!("add_reporter");
    pub const IS_REPORTER: [u8; 4] = ink::selector_bytes!("is_reporter");
    /// The reporter message, as [`dynamis_shared::PowerReport`] defines it.
    pub const REPORT: [u8; 4] = ink::selector_bytes!("PowerReport::report");
    pub const USE_FLUX: [u8; 4] = ink::selector_bytes!("use_flux");
    pub const SETTLE: [u8; 4] = ink::selector_bytes!("settle");
    pub const CLOSE_EPOCH: [u8; 4] = ink::selector_bytes!("close_epoch");
    pub const METER: [u8; 4] = ink::selector_bytes!("meter");
    pub const TOTALS: [u8; 4] = ink::selector_bytes!("totals");
    pub const CONTROLLER: [u8; 4] = ink::selector_bytes!("controller");
    pub const CONFIG: [u8; 4] = ink::selector_bytes!("config");
    pub const EPOCH: [u8; 4] = ink::selector_bytes!("epoch");
    pub const EFFECTIVE_SUPPLY: [u8; 4] = ink::selector_bytes!("effective_supply");
    pub const SET_TUNABLES: [u8; 4] = ink::selector_bytes!("set_tunables");
    pub const TUNABLES: [u8; 4] = ink::selector_bytes!("tunables");
}

/// Why a message's return data is not the value expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultError {
    #[error("ink! refused the call before the message ran: {0:?}")]
    Lang(ink::LangError),
    #[error("undecodable return data {0}")]
    Decode(String),
}

/// Decodes a message's raw return data (`Result<R, LangError>`) as `R`.
pub fn decode<R: Decode>(data: &[u8]) -> Result<R, ResultError> {
    match <Result<R, ink::LangError>>::decode(&mut &data[..]) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ResultError::Lang(e)),
        Err(e) => Err(ResultError::Decode(format!(
            "{}: {e}",
            crate::hex::encode(data)
        ))),
    }
}

/// An account id from its 32 raw bytes.
pub fn account(raw: [u8; 32]) -> AccountId {
    AccountId::from(raw)
}

/// The raw bytes of an account id.
pub fn raw(account: &AccountId) -> [u8; 32] {
    *account.as_ref()
}
