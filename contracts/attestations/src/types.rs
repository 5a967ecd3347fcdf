//! What the registry stores and says: keys, attestation records, disputes, totals, errors,
//! events and the effects the contract carries out on other contracts.

use crate::params::Params;
use dynamis_proofs::{Attestation, Hash, Regime};
use dynamis_shared::{Activity, BondingError, PSP22Error, PowerFluxError, Quality, ReputationError};
use ink::{prelude::vec::Vec, primitives::AccountId};

/// A compressed secp256k1 public key.
pub type Key = [u8; 33];
/// An ECDSA signature r ‖ s ‖ v.
pub type Signature = [u8; 65];

/// Most data requests open at once on one attestation (bounds what a rejection refunds).
pub const MAX_OPEN_REQUESTS: u32 = 8;

/// A verifier's registration: its key and the stake its signature weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Registration {
    pub key: Key,
    /// Its active verifier bond when it registered or was last synced: a signature weighs the
    /// smaller of this and the bond at submission.
    pub weight: u128,
}

/// Where an attestation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Status {
    /// Submitted; its capacity is credited (read once its epoch is final).
    Pending,
    /// Finalised after its window: its co-signers' reputation recorded the success.
    Final,
    /// Proven false, decided false or its data withheld: its capacity is taken back and its
    /// co-signers' slashes reported.
    Rejected,
    /// A signature item was contested and the resolver has not decided yet.
    Contested,
}

/// An open contest of a signature item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Contest {
    pub challenger: AccountId,
    pub deposit: u128,
    /// Digest of the contested item.
    pub item: Hash,
    pub index: u64,
    /// The resolver decides before this block; from it on anyone applies the default.
    pub decide_until: u32,
}

/// An open data-availability request: the item at an index must be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Request {
    pub challenger: AccountId,
    pub deposit: u128,
    /// The item must be shown before this block.
    pub answer_until: u32,
}

/// A submitted attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    pub epoch: u32,
    pub root: Hash,
    pub items: u64,
    /// Valid items per kind (`Kind::ALL` order): they lead the batch in that order.
    pub valid: [u64; 5],
    /// Capacity units, computed from `valid` at submission.
    pub capacity: u64,
    /// Index into [`Regime::ALL`].
    pub regime: u8,
    pub submitter: AccountId,
    /// The co-signers' accounts, in signature order (each credited its share).
    pub signers: Vec<AccountId>,
    pub submitted_at: u32,
    pub status: Status,
    /// Who proved, contested or requested it into rejection.
    pub challenger: Option<AccountId>,
    pub contest: Option<Contest>,
    /// Indices with an open data request.
    pub requests: Vec<u64>,
}

impl Record {
    /// The attestation's regime.
    pub fn regime(&self) -> Regime {
        Regime::from_index(self.regime).unwrap_or(Regime::Permanent)
    }

    /// The payload the co-signers signed.
    pub fn attestation(&self) -> Attestation {
        Attestation {
            epoch: self.epoch,
            root: self.root,
            items: self.items,
            valid: self.valid,
            regime: self.regime(),
        }
    }

    /// How many disputes (a contest, data requests) are open on it.
    pub fn open_disputes(&self) -> u32 {
        let requests = u32::try_from(self.requests.len()).unwrap_or(u32::MAX);
        requests.saturating_add(u32::from(self.contest.is_some()))
    }
}

/// What the attestations of one epoch add up to, rejected ones taken out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct EpochTotals {
    pub attestations: u32,
    pub items: u64,
    pub valid: u64,
    /// Capacity units, each batch counted once.
    pub capacity: u128,
    /// Contests and data requests open on its attestations: the epoch is not final while
    /// any is.
    pub open_disputes: u32,
}

/// Why the attestations contract refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // SCALE derive of a data-carrying enum
pub enum AttestationError {
    /// Parameters are inconsistent.
    InvalidParams,
    /// Only the governance address tunes parameters and names the resolver.
    NotGovernance,
    /// A parameter lies outside the hard bounds fixed at instantiation.
    ParamOutOfBounds,
    /// Hard bounds given at instantiation are inconsistent (a min above its max).
    InvalidBounds,
    /// Registering a key, or contesting, without an active verifier bond at the floor.
    NotBonded,
    /// The registration signature was not made by the key for this account and contract.
    BadKeyProof,
    /// The key is registered to another account.
    KeyTaken,
    /// The account has no registered key.
    NotRegistered,
    /// Only the verifier itself removes its key while it is still bonded.
    StillBonded,
    /// The attestation's epoch has not begun.
    FutureEpoch,
    /// The attestation's epoch is older than the accepted age.
    StaleEpoch,
    /// An attestation of no items.
    EmptyBatch,
    /// More valid items than items, or counts whose capacity overflows.
    InconsistentCounts,
    /// This batch root is already attested.
    DuplicateBatch,
    /// More signatures than `max_signers`.
    TooManySignatures,
    /// A signature that is not canonical or from which no key can be recovered.
    InvalidSignature,
    /// A signature by a key no verifier registered (or over another digest).
    UnknownSigner,
    /// Two signatures by the same verifier.
    DuplicateSigner,
    /// A co-signer whose verifier bond is no longer at the floor.
    UnbondedSigner,
    /// The co-signers' stake is below the threshold (or they are fewer than `min_signers`).
    TooFewSignatures,
    /// No attestation has this id.
    UnknownAttestation,
    /// The attestation is not pending (final, rejected or contested).
    NotPending,
    /// The challenge window has closed.
    WindowClosed,
    /// The challenge window is still open.
    WindowOpen,
    /// The inclusion proof does not place the item in the batch.
    InvalidProof,
    /// The item stands where the counts say and checks out: no fraud.
    NoFraud,
    /// A signature item the chain cannot check: it is contested (`contest`), not proven.
    NotCheckableOnChain,
    /// The chain can check this item (or its place) itself: it is proven (`challenge`).
    CheckableOnChain,
    /// Only a registered verifier contests a signature item.
    NotVerifier,
    /// No contest is open on the attestation.
    NotContested,
    /// Only the resolver decides contests.
    NotResolver,
    /// The resolver's deadline has passed: only the default applies now.
    DecisionClosed,
    /// The resolver's deadline has not passed: the default does not apply yet.
    DecisionOpen,
    /// An index past the batch's last item.
    IndexOutOfRange,
    /// The item at this index is already requested.
    AlreadyRequested,
    /// [`MAX_OPEN_REQUESTS`] requests are open on the attestation already.
    TooManyRequests,
    /// No data request is open at this index.
    NoRequest,
    /// The answer period is over.
    AnswerClosed,
    /// The answer period is still running.
    AnswerOpen,
    /// The shown leaf is not what the counts say stands at its index.
    WrongSlot,
    /// Data requests are still open: the attestation cannot be finalised yet.
    RequestsOpen,
    /// A total would overflow or go below zero: the call would break the accounting, so it
    /// reverts.
    Arithmetic,
    /// The token refused a transfer or burn (a deposit).
    Token(PSP22Error),
    /// Bonding refused a call.
    Bonding(BondingError),
    /// The reputation registry refused a call.
    Reputation(ReputationError),
    /// Power/Flux refused a co-signer's report (its reporters do not include this registry,
    /// or more ended epochs wait to be closed than a report closes itself).
    Power(PowerFluxError),
    /// A cross-contract call failed outright.
    CallFailed,
}

impl From<dynamis_shared::math::Overflow> for AttestationError {
    fn from(_: dynamis_shared::math::Overflow) -> Self {
        AttestationError::Arithmetic
    }
}

impl dynamis_shared::call::CallFailed for AttestationError {
    const CALL_FAILED: Self = AttestationError::CallFailed;
}

dynamis_shared::contract_events! {
    enum AttestationEvent;
    /// A verifier registered (or rotated to) an attestation key, weighing `weight`.
    KeyRegistered { #[ink(topic)] verifier: AccountId, key: Key, replaced: Option<Key>, weight: u128 }
    /// A verifier's key was removed, by itself or (once it is unbonded) by `by`.
    KeyRemoved { #[ink(topic)] verifier: AccountId, key: Key, by: AccountId }
    /// A verifier's weight was re-read from its bond.
    WeightSynced { #[ink(topic)] verifier: AccountId, old: u128, new: u128 }
    /// An attestation was accepted and its capacity credited; it can be challenged until
    /// `challenge_until`.
    Submitted {
        #[ink(topic)] id: u64,
        #[ink(topic)] epoch: u32,
        root: Hash,
        items: u64,
        valid: [u64; 5],
        capacity: u64,
        regime: Regime,
        signers: Vec<AccountId>,
        /// The stake the signatures carried.
        weight: u128,
        challenge_until: u32,
    }
    /// An item proved the attestation false (a hash-checkable item marked valid that is not,
    /// or a leaf where the counts say another must stand): rejected, every co-signer's slash
    /// reported (with `evidence`) for the challenger's benefit.
    FraudProven {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        item: Hash,
        index: u64,
        evidence: Hash,
    }
    /// A signature item was contested; the resolver decides before `decide_until`.
    Contested {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        item: Hash,
        index: u64,
        deposit: u128,
        decide_until: u32,
    }
    /// A contest was decided: upheld (attestation rejected, co-signers slashed, deposit
    /// returned) or not (attestation back on its path to final; the deposit burned, or
    /// returned when `by_default`: nobody decided in time).
    ContestResolved {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        upheld: bool,
        by_default: bool,
        deposit: u128,
    }
    /// The item at `index` must be shown before `answer_until`.
    ItemRequested {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        index: u64,
        deposit: u128,
        answer_until: u32,
    }
    /// The requested item was shown where the counts say (the deposit burned); the item itself
    /// is in the call's data for anyone to check.
    ItemAnswered { #[ink(topic)] id: u64, index: u64, item: Hash, valid: bool }
    /// A requested item was not shown in time: rejected, every co-signer's slash reported for
    /// the requester's benefit.
    DataWithheld {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        index: u64,
        evidence: Hash,
    }
    /// An attestation was finalised after its window: a reputation success per co-signer.
    Finalized { #[ink(topic)] id: u64, #[ink(topic)] epoch: u32, capacity: u64, signers: Vec<AccountId> }
    /// Governance moved the parameters (inside the bounds).
    RegistryParamsUpdated { params: Params }
    /// Governance named a new resolver (it decides contests from now on, including open ones).
    ContestResolverChanged { resolver: AccountId }
}

/// Something the contract does on other contracts after the rules have run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Report an attestation-failure slash of `offender`'s verifier bond.
    Slash {
        offender: AccountId,
        evidence: Hash,
        beneficiary: AccountId,
    },
    /// Record a reputation success.
    Success { account: AccountId, gain: u32 },
    /// Report a co-signer's verification work to Power/Flux.
    Power {
        account: AccountId,
        activity: Activity,
        quality: Quality,
    },
    /// Pull a deposit from `from` (who approved this contract).
    Pull { from: AccountId, amount: u128 },
    /// Pay DYN this contract holds.
    Pay { to: AccountId, amount: u128 },
    /// Burn DYN this contract holds.
    Burn(u128),
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<AttestationEvent>, Vec<Effect>);
