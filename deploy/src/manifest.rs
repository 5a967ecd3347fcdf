//! The deployment manifest every other tool reads: which chain, what was deployed where, who
//! holds which role, and what was wired and locked.

use crate::backend::{ChainInfo, Error};
use crate::hex::{hex_list, hexa};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, path::Path};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    #[serde(with = "hexa")]
    pub address: [u8; 32],
    #[serde(with = "hexa")]
    pub code_hash: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// Instantiated everything; wiring admin until the wirings are locked.
    #[serde(with = "hexa")]
    pub admin: [u8; 32],
    /// Holds the genesis supply of DYN.
    #[serde(with = "hexa")]
    pub genesis: [u8; 32],
    /// The governance contract's council: cancels spam proposals, nothing else.
    #[serde(with = "hexa")]
    pub council: [u8; 32],
    /// The governance role of reputation, bonding, attestations and mint_credits: the
    /// governance contract (no account holds it).
    #[serde(with = "hexa")]
    pub governance: [u8; 32],
    /// Decides slash disputes, contests and mint challenges, each before a deadline
    /// (governance may replace it in bonding and attestations, never in mint_credits).
    #[serde(with = "hexa")]
    pub resolver: [u8; 32],
    /// Accounts seeded with governance's proposing reputation at deployment, before the
    /// reputation wiring was locked (governance's bootstrap; it fades without attested work).
    #[serde(default, with = "hex_list")]
    pub founders: Vec<[u8; 32]>,
}

/// The attestation registry's parameters as deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationParams {
    pub epoch_blocks: u32,
    pub challenge_window_blocks: u32,
    pub answer_window_blocks: u32,
    pub decide_window_blocks: u32,
    pub threshold_ppb: u32,
    pub min_signers: u32,
    pub max_signers: u32,
    pub max_epoch_age: u32,
    pub success_gain: u32,
    pub request_deposit: u128,
    pub contest_deposit: u128,
}

impl From<attestations::Params> for AttestationParams {
    fn from(p: attestations::Params) -> Self {
        Self {
            epoch_blocks: p.epoch_blocks,
            challenge_window_blocks: p.challenge_window_blocks,
            answer_window_blocks: p.answer_window_blocks,
            decide_window_blocks: p.decide_window_blocks,
            threshold_ppb: p.threshold_ppb,
            min_signers: p.min_signers,
            max_signers: p.max_signers,
            max_epoch_age: p.max_epoch_age,
            success_gain: p.success_gain,
            request_deposit: p.request_deposit,
            contest_deposit: p.contest_deposit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub chain: ChainInfo,
    /// Block at which the deployment finished.
    pub block: u32,
    pub roles: Roles,
    /// By crate name: `dyn_token`, `reputation`, `bonding`, `attestations`, `mint_credits`.
    pub contracts: BTreeMap<String, Contract>,
    pub attestation_params: AttestationParams,
    /// What was wired and locked, in order (`reputation.writer += bonding`, …).
    pub wiring: Vec<String>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let fail = |why: String| Error::Manifest {
            path: path.display().to_string(),
            why,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| fail(e.to_string()))
    }

    /// Writes the manifest atomically (a temporary file renamed over the target).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let fail = |why: String| Error::Manifest {
            path: path.display().to_string(),
            why,
        };
        let text = serde_json::to_string_pretty(self).map_err(|e| fail(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n").map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
    }

    /// The address of contract `name`.
    pub fn address(&self, name: &str) -> Result<[u8; 32], Error> {
        self.contracts
            .get(name)
            .map(|c| c.address)
            .ok_or_else(|| Error::Manifest {
                path: "(loaded)".into(),
                why: format!("no contract {name:?} in the manifest"),
            })
    }
}
