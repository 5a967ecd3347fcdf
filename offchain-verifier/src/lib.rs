//! The Dynamis verifier's core: reads items (JSON lines or SCALE), verifies them in parallel
//! batches (a failed batch is bisected down to its bad items), builds the RFC 6962 batch tree
//! over (item digest, verdict) with the same code the attestations contract checks proofs
//! with, serves inclusion proofs, and builds and co-signs the batch's attestation.

pub mod attest;
pub mod batch;
pub mod client;
#[cfg(feature = "harness")]
pub mod crash;
pub mod crypto;
#[cfg(feature = "harness")]
pub mod demo;
pub mod gen;
pub mod input;
pub mod progress;
pub mod report;
pub mod service;
pub mod verify;

pub use batch::{Batch, Counts, InclusionProof};
pub use crypto::Native;
pub use dynamis_proofs::{Attestation, Hash, Item, Kind, Regime, Verdict};
