//! Power/Flux as the other contracts see it: the activity and quality a reporter reports
//! (the attestations contract, for each co-signer of a final attestation), the contract's
//! errors and the one message a reporter calls (through `ink::contract_ref!(PowerReport)`).
//! The rules live in `contracts/power_flux`.

use crate::{math::Overflow, PSP22Error, WiringError};
use ink::primitives::AccountId;

/// One report of an ID's attested activity in the current epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Activity {
    /// Share of the epoch the ID was up and took part, ppb (counted up to one).
    pub uptime_ppb: u32,
    /// Bandwidth, compute and storage contributed, in the reporter's units (each counted up to
    /// its cap).
    pub resources: [u64; 3],
    /// Human judgements and interactions (counted up to the cap).
    pub interactions: u32,
}

/// The quality of the reported work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Quality {
    /// Task performance, ppb (counted up to one).
    pub performance_ppb: u32,
    /// Attested validity ratio (valid ÷ checked), ppb (counted up to one).
    pub validity_ppb: u32,
}

/// Why the contract refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // SCALE derive of a data-carrying enum
pub enum PowerFluxError {
    /// Only the wiring admin adds reporters.
    NotWiringAdmin,
    /// The reporters are fixed for good.
    WiringLocked,
    /// Only a wired reporter reports activity.
    NotReporter,
    /// The open epoch has not ended: it cannot be closed yet.
    EpochNotOver,
    /// An earlier epoch has ended and is not closed: close it first (its figures stay exact).
    EpochNotClosed,
    /// The call belongs to the other burn variant.
    WrongMode,
    /// Using no task.
    ZeroTasks,
    /// Inconsistent configuration or controller constants.
    InvalidConfig,
    /// Only the governance address tunes.
    NotGovernance,
    /// A tunable outside the hard bounds fixed at instantiation.
    ParamOutOfBounds,
    /// A total would overflow or fall below zero.
    Arithmetic,
    /// The Flux ledger refused (a balance or an allowance too small).
    Flux(PSP22Error),
    /// A cross-contract call failed outright (the reputation registry not there, trapped, or
    /// undecodable).
    CallFailed,
}

impl crate::call::CallFailed for PowerFluxError {
    const CALL_FAILED: Self = PowerFluxError::CallFailed;
}

impl From<Overflow> for PowerFluxError {
    fn from(_: Overflow) -> Self {
        PowerFluxError::Arithmetic
    }
}

impl From<PSP22Error> for PowerFluxError {
    fn from(e: PSP22Error) -> Self {
        PowerFluxError::Flux(e)
    }
}

impl From<WiringError> for PowerFluxError {
    fn from(e: WiringError) -> Self {
        match e {
            WiringError::NotWiringAdmin => PowerFluxError::NotWiringAdmin,
            WiringError::WiringLocked => PowerFluxError::WiringLocked,
        }
    }
}

/// What a wired reporter calls.
#[ink::trait_definition]
pub trait PowerReport {
    /// A wired reporter reports `id`'s attested activity and its quality; the Power is spent
    /// and the Flux minted to `id`. An ended epoch is closed first.
    #[ink(message)]
    fn report(
        &mut self,
        id: AccountId,
        activity: Activity,
        quality: Quality,
    ) -> Result<(), PowerFluxError>;
}
