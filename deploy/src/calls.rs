//! Selectors and argument encodings of the messages deployment and the verifier use, derived
//! the way ink! derives them, and decoding of message results into the contracts' own types.

use crate::sandbox::AccountId;
use scale::Decode;

pub use crate::sandbox::call_data;

pub mod token {
    pub const NEW: [u8; 4] = ink::selector_bytes!("new");
    pub const LOCK_MINTER: [u8; 4] = ink::selector_bytes!("lock_minter");
    pub const MINTER_STATE: [u8; 4] = ink::selector_bytes!("minter_state");
    pub const TRANSFER: [u8; 4] = ink::selector_bytes!("PSP22::transfer");
    pub const APPROVE: [u8; 4] = ink::selector_bytes!("PSP22::approve");
    pub const BALANCE_OF: [u8; 4] = ink::selector_bytes!("PSP22::balance_of");
    pub const TOTAL_SUPPLY: [u8; 4] = ink::selector_bytes!("PSP22::total_supply");
}

pub mod reputation {
    pub const WITH_DEFAULTS: [u8; 4] = ink::selector_bytes!("with_defaults");
    pub const ADD_WRITER: [u8; 4] = ink::selector_bytes!("add_writer");
    pub const LOCK_WIRING: [u8; 4] = ink::selector_bytes!("lock_wiring");
    pub const WIRING: [u8; 4] = ink::selector_bytes!("wiring");
    pub const SCORE: [u8; 4] = ink::selector_bytes!("Reputation::score");
}

pub mod bonding {
    pub const WITH_DEFAULTS: [u8; 4] = ink::selector_bytes!("with_defaults");
    pub const ADD_REPORTER: [u8; 4] = ink::selector_bytes!("add_reporter");
    pub const LOCK_WIRING: [u8; 4] = ink::selector_bytes!("lock_wiring");
    pub const BOND: [u8; 4] = ink::selector_bytes!("bond");
    pub const SLASH: [u8; 4] = ink::selector_bytes!("slash");
    pub const NEXT_SLASH: [u8; 4] = ink::selector_bytes!("next_slash");
    pub const ACTIVE_BOND: [u8; 4] = ink::selector_bytes!("Bonding::active_bond");
    pub const IS_BONDED: [u8; 4] = ink::selector_bytes!("Bonding::is_bonded");
}

pub mod attestations {
    pub const NEW: [u8; 4] = ink::selector_bytes!("new");
    pub const REGISTER_KEY: [u8; 4] = ink::selector_bytes!("register_key");
    pub const SUBMIT: [u8; 4] = ink::selector_bytes!("submit");
    pub const CHALLENGE: [u8; 4] = ink::selector_bytes!("challenge");
    pub const FINALIZE: [u8; 4] = ink::selector_bytes!("finalize");
    pub const ATTESTATION: [u8; 4] = ink::selector_bytes!("attestation");
    pub const ID_OF_ROOT: [u8; 4] = ink::selector_bytes!("id_of_root");
    pub const KEY_OF: [u8; 4] = ink::selector_bytes!("key_of");
    pub const PARAMS: [u8; 4] = ink::selector_bytes!("params");
    pub const REGISTERED: [u8; 4] = ink::selector_bytes!("registered");
    pub const REQUIRED_SIGNATURES: [u8; 4] = ink::selector_bytes!("required_signatures");
    pub const CURRENT_EPOCH: [u8; 4] = ink::selector_bytes!("Capacity::current_epoch");
    pub const CAPACITY: [u8; 4] = ink::selector_bytes!("Capacity::capacity");
    pub const EPOCH_CAPACITY: [u8; 4] = ink::selector_bytes!("Capacity::epoch_capacity");
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
