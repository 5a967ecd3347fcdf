//! Test harness over the compiled contracts: a drink sandbox chain with typed, SCALE-encoded
//! calls (no string transcoding), gas figures and decoded contract events per call.
//!
//! Every contract this crate depends on with `ink-as-dependency` is built by drink with
//! `cargo contract build --release` when this crate compiles; [`BundleProvider`] hands out the
//! resulting bundles.

pub mod attest;
pub mod bench;
pub mod flux;
pub mod gov;
pub mod mint;
pub mod psp22;
pub mod suite;

pub use dynamis_deploy::sandbox::{call_data, AccountId, CallError, Called, RawEvent, Runtime};
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

/// The (module, name) of every function a Wasm module imports (its import section, read by
/// the binary format's rules: no search of the bytes).
pub fn wasm_imports(wasm: &[u8]) -> Vec<(String, String)> {
    fn leb(bytes: &[u8], at: &mut usize) -> usize {
        let (mut value, mut shift) = (0usize, 0);
        while let Some(b) = bytes.get(*at) {
            *at += 1;
            value |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        value
    }
    fn name(bytes: &[u8], at: &mut usize) -> String {
        let len = leb(bytes, at);
        let text = String::from_utf8_lossy(&bytes[*at..*at + len]).into_owned();
        *at += len;
        text
    }
    assert_eq!(&wasm[..4], b"\0asm", "not a Wasm module");
    let mut at = 8;
    let mut imports = Vec::new();
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at);
        let end = at + size;
        if id == 2 {
            let count = leb(wasm, &mut at);
            for _ in 0..count {
                let module = name(wasm, &mut at);
                let field = name(wasm, &mut at);
                let kind = wasm[at];
                at += 1;
                match kind {
                    0 => {
                        leb(wasm, &mut at); // function type index
                    }
                    2 => {
                        // memory: limits flag, min, and max if the flag says so
                        let flag = wasm[at];
                        at += 1;
                        leb(wasm, &mut at);
                        if flag & 1 == 1 {
                            leb(wasm, &mut at);
                        }
                    }
                    other => panic!("unexpected import kind {other}"),
                }
                imports.push((module, field));
            }
        }
        at = end;
    }
    imports
}

/// For each message of `bundle`, its label and the display names of its arguments' types.
pub fn message_signatures(bundle: &drink::session::ContractBundle) -> Vec<(String, Vec<String>)> {
    bundle
        .transcoder
        .metadata()
        .spec()
        .messages()
        .iter()
        .map(|m| {
            let types = m
                .args()
                .iter()
                .map(|a| a.ty().display_name().segments.join("::"))
                .collect();
            (m.label().to_string(), types)
        })
        .collect()
}
