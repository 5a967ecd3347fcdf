//! Test harness over the compiled contracts: a drink sandbox chain with typed, SCALE-encoded
//! calls (no string transcoding), gas figures and decoded contract events per call.
//!
//! Every contract this crate depends on with `ink-as-dependency` is built by drink with
//! `cargo contract build --release` when this crate compiles; [`BundleProvider`] hands out the
//! resulting bundles.

pub mod attest;
pub mod bench;
pub mod mint;
pub mod psp22;
pub mod suite;

pub use dynamis_deploy::sandbox::{call_data, AccountId, Called, Chain, ChainError, RawEvent};
use scale::Decode;

#[drink::contract_bundle_provider]
pub enum BundleProvider {}

/// The compiled bundle of `contract`; a test cannot go on without it.
pub fn bundle(contract: BundleProvider) -> drink::session::ContractBundle {
    contract
        .bundle()
        .unwrap_or_else(|e| panic!("bundle of {contract:?}: {e:?}"))
}

/// The number in environment variable `name` (seeds and lengths of the randomised tests), or
/// `default`.
pub fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A deterministic test account.
pub fn account(n: u8) -> AccountId {
    AccountId::from([n; 32])
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
