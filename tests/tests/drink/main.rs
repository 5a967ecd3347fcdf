//! Every drink test of the suite in one test binary (one link of the Substrate stack instead
//! of one per file): each module is one contract's or one concern's tests on the compiled
//! Wasm. Run one with `cargo test --manifest-path tests/Cargo.toml --test drink <module>::`.

mod attacks;
mod attestations;
mod bonding;
mod bonding_invariants;
mod dyn_token;
mod dyn_token_invariants;
mod governance;
mod mint_credits;
mod mint_invariants;
mod power_flux;
mod psp22_compat;
