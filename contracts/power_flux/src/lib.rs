//! Dynamis Power/Flux (seed 001, DESIGN.md item 6), as plain Rust rules first: per-ID Power
//! (21 M for life, spent only by attested activity, clipped at the end) and the Flux it mints
//! (`power.rs`), and the per-epoch controller that moves κ (Flux minted per unit of
//! quality-weighted Power) and β (the Flux tax per epoch) toward E[Mint] ≈ E[Burn]
//! (`controller.rs`). The contract shell (reporters, the Flux token, burning by use and the
//! lazy tax) builds on these rules (issue 18).
#![cfg_attr(not(feature = "std"), no_std)]

pub mod controller;
pub mod power;
pub mod rules;

pub use controller::{Controller, ControllerError, ControllerParams, EpochRecord};
pub use power::{Activity, Meter, Quality, Rates, Spent, DEFAULT_RATES, POWER_UNIT, P_MAX};
pub use rules::{BurnMode, Config, PowerFlux, PowerFluxError, PowerFluxEvent, Totals, INDEX_ONE};
