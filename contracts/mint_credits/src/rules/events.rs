//! What mint-credits says happened, and what it does on other contracts afterwards.

use super::types::{Failure, Hash, Signal};
use crate::params::Tunables;
use dynamis_proofs::Regime;
use dynamis_shared::{Role, SlashClass};
use ink::{prelude::vec::Vec, primitives::AccountId};

dynamis_shared::contract_events! {
    enum MintEvent;
    /// The rollout moved forward (never back) at `epoch`.
    PhaseAdvanced { from: u8, to: u8, epoch: u32 }
    /// A beneficiary allowed (or stopped allowing) a proposer to propose mints for it.
    ConsentSet { #[ink(topic)] beneficiary: AccountId, #[ink(topic)] proposer: AccountId, allowed: bool }
    /// A proposal was announced; it activates at `activates_at` unless challenged.
    Proposed {
        #[ink(topic)] id: u64,
        #[ink(topic)] proposer: AccountId,
        #[ink(topic)] beneficiary: AccountId,
        signal: Signal,
        regime: Regime,
        amount: u128,
        bound: u128,
        delta: u128,
        level: u128,
        document: Hash,
        cited: Vec<u64>,
        activates_at: u32,
    }
    /// A bonded, reputable account challenged a proposal, suspending it.
    Challenged {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        deposit: u128,
        evidence: Hash,
        remaining: u32,
        decide_until: u32,
    }
    /// A challenge was decided: upheld (proposal cancelled, deposit returned, proposer and
    /// beneficiary slashed), rejected (deposit burned, proposal resumed), or `by_default`
    /// (nobody decided in time: cancelled, deposit returned, nobody slashed).
    ChallengeResolved {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        upheld: bool,
        by_default: bool,
        deposit: u128,
        activates_at: Option<u32>,
    }
    /// A proposal was not activated in time after its delay.
    ProposalExpired { #[ink(topic)] id: u64 }
    /// DYN minted into locked credits for the beneficiary.
    Activated {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        regime: Regime,
        amount: u128,
        bound: u128,
        regime_minted: u128,
        floor: u128,
        first_epoch: u32,
        tranches: u32,
        required: Vec<u128>,
    }
    /// Fulfilled tranches paid to the beneficiary.
    Released {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        amount: u128,
        paid: u32,
        locked: u128,
    }
    /// A credit's locked remainder burned.
    CreditBurned {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        reason: Failure,
        epoch: Option<u32>,
        evidence: Hash,
        amount: u128,
    }
    /// Governance tuned the parameters (inside the hard bounds).
    TunablesSet { old: Tunables, new: Tunables }
}

/// Something the contract does on other contracts after the rules have run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Mint `0` DYN to this contract (as the token's minter).
    Mint(u128),
    /// Pay DYN from this contract.
    Pay { to: AccountId, amount: u128 },
    /// Pull DYN from `from` (who approved this contract).
    Pull { from: AccountId, amount: u128 },
    /// Burn DYN held by this contract.
    Burn(u128),
    /// Report a slash of `offender`'s `role` bond to bonding, `beneficiary` taking the
    /// reporter's share when it settles (bonding records the reputation fault then).
    Slash {
        offender: AccountId,
        role: Role,
        class: SlashClass,
        evidence: Hash,
        beneficiary: AccountId,
    },
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<MintEvent>, Vec<Effect>);
