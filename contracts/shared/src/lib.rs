//! Shared building blocks of the Dynamis contract suite.
//!
//! Not a contract: plain `no_std` Rust (with ink! storage and codec types) that the contracts
//! and the off-chain tools both compile, so the two sides cannot drift apart.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod bonding;
pub mod call;
pub mod capacity;
pub mod checkpoints;
mod events;
pub mod math;
pub mod power;
pub mod psp22;
pub mod reputation;
pub mod wiring;

pub use bonding::{Bonding, BondingError, Role, SlashClass};
pub use capacity::{share, Attested, Capacity};
pub use checkpoints::{Checkpoint, Checkpoints};
pub use power::{Activity, PowerFluxError, PowerReport, Quality};
pub use psp22::{
    Approval, PSP22Burnable, PSP22Error, PSP22Metadata, PSP22Mintable, Psp22Event, Psp22Events,
    Psp22Ledger, Transfer, TransferData, PSP22,
};
pub use reputation::{Action, FaultClass, Reputation, ReputationError, SCORE_MAX};
pub use wiring::{WiredSet, Wiring, WiringError};

/// One DYN in its smallest unit (18 decimals).
pub const ONE_DYN: u128 = 1_000_000_000_000_000_000;
/// Blocks per day at 6-second blocks: the suite's epoch and the unit of its periods.
pub const DAY: u32 = 14_400;
