//! Governance's rules as plain Rust: methods take the caller, the block and the time
//! explicitly, read the other contracts through [`World`], change the state, and return the
//! events to emit and the [`Effect`]s the contract must then carry out in the same
//! transaction (if one fails, everything reverts).

use crate::{
    config::{within_all, Bounds, Class, Config},
    types::*,
};
use dynamis_shared::{
    math::{isqrt, minus, mul_ppb_ceil, plus},
    Checkpoints, Wiring,
};
use ink::{
    prelude::{vec, vec::Vec},
    primitives::AccountId,
    storage::Mapping,
};

#[cfg(test)]
mod tests;

/// mint_credits' tunables now, and their hard bounds: (now, min, max).
pub type TunablesInBounds = (
    mint_credits::Tunables,
    mint_credits::Tunables,
    mint_credits::Tunables,
);

/// What the rules read from the other contracts.
pub trait World {
    /// reputation.authority(who, ProposeGovernance).
    fn authority(&self, who: AccountId) -> Result<bool, GovernanceError>;
    /// bonding.active_at(who, block): the active bond over all roles at the end of `block`.
    fn bonded_at(&self, who: AccountId, block: u32) -> Result<u128, GovernanceError>;
    /// reputation's parameters and hard bounds now.
    fn reputation(&self) -> Result<(reputation::Params, reputation::Bounds), GovernanceError>;
    /// mint_credits' tunables now, with their hard bounds.
    fn tunables(&self) -> Result<TunablesInBounds, GovernanceError>;
    /// bonding's parameters and hard bounds now.
    fn bonding(&self) -> Result<(bonding::Params, bonding::Bounds), GovernanceError>;
    /// attestations' parameters and hard bounds now.
    fn attestations(&self)
        -> Result<(attestations::Params, attestations::Bounds), GovernanceError>;
    /// power_flux's tunables and hard bounds now.
    fn power_flux(&self) -> Result<(power_flux::Tunables, power_flux::Bounds), GovernanceError>;
    /// Governance's own DYN balance.
    fn balance(&self) -> Result<u128, GovernanceError>;
}

/// What the contract must do outside its own storage after a rule ran. `index` is the
/// action's place in its proposal (for [`GovernanceError::ActionFailed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Pull `amount` DYN from `from` (needs its allowance).
    Pull {
        from: AccountId,
        amount: u128,
    },
    /// Pay `amount` DYN to `to`.
    Pay {
        to: AccountId,
        amount: u128,
    },
    SetReputation {
        index: u8,
        params: reputation::Params,
    },
    SetTunables {
        index: u8,
        tunables: mint_credits::Tunables,
    },
    SetBonding {
        index: u8,
        params: bonding::Params,
    },
    SetAttestations {
        index: u8,
        params: attestations::Params,
    },
    SetPowerFlux {
        index: u8,
        tunables: power_flux::Tunables,
    },
    /// Name `resolver` in bonding and attestations.
    SetResolver {
        index: u8,
        resolver: AccountId,
    },
    /// Replace governance's own code.
    SetCode {
        index: u8,
        code_hash: [u8; 32],
    },
}

/// A cast vote: its side and its power.
pub type Ballot = (Support, u128);

pub type Outcome = (Vec<GovernanceEvent>, Vec<Effect>);

/// Governance's state.
#[ink::storage_item]
#[derive(Debug)]
pub struct Rules {
    wiring: Wiring,
    targets: Option<Targets>,
    council: AccountId,
    bounds: Bounds,
    config: Config,
    next_id: u32,
    proposals: Mapping<u32, Proposal>,
    actions: Mapping<u32, Vec<Action>>,
    votes: Mapping<(u32, AccountId), Ballot>,
    /// DYN locked for voting, per account and block.
    locks: Checkpoints,
    locked_total: u128,
    /// Proposal deposits not yet settled.
    deposits_held: u128,
    /// The treasury epoch of the last payment and what was paid in it.
    spent_epoch: u64,
    spent: u128,
}

/// Parameter fields widened to one width for [`within_all`].
fn widen<const N: usize>(fields: [u32; N]) -> [u128; N] {
    fields.map(u128::from)
}

impl Rules {
    /// Governance administered for wiring by `admin`, with `council` and `config` inside
    /// `bounds`.
    pub fn new(
        admin: AccountId,
        council: AccountId,
        bounds: Bounds,
        config: Config,
    ) -> Result<Self, GovernanceError> {
        bounds.validate()?;
        if !bounds.contains(&config) {
            return Err(GovernanceError::InvalidConfig);
        }
        Ok(Self {
            wiring: Wiring::open(admin),
            targets: None,
            council,
            bounds,
            config,
            next_id: 0,
            proposals: Mapping::new(),
            actions: Mapping::new(),
            votes: Mapping::new(),
            locks: Checkpoints::new(),
            locked_total: 0,
            deposits_held: 0,
            spent_epoch: 0,
            spent: 0,
        })
    }

    pub fn config(&self) -> Config {
        self.config
    }
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }
    pub fn council(&self) -> AccountId {
        self.council
    }
    pub fn wiring(&self) -> Wiring {
        self.wiring
    }
    pub fn next_id(&self) -> u32 {
        self.next_id
    }
    pub fn proposal(&self, id: u32) -> Option<Proposal> {
        self.proposals.get(id)
    }
    pub fn actions(&self, id: u32) -> Vec<Action> {
        self.actions.get(id).unwrap_or_default()
    }
    pub fn vote_of(&self, id: u32, voter: AccountId) -> Option<Ballot> {
        self.votes.get((id, voter))
    }
    pub fn locked(&self, account: AccountId) -> u128 {
        self.locks.latest(account)
    }
    pub fn locked_at(&self, account: AccountId, block: u32) -> u128 {
        self.locks.value_at(account, block)
    }
    /// DYN held for voters and proposers, which the treasury can never pay out.
    pub fn held(&self) -> (u128, u128) {
        (self.locked_total, self.deposits_held)
    }
    /// The targets, once wired.
    pub fn targets(&self) -> Result<Targets, GovernanceError> {
        self.targets.ok_or(GovernanceError::NotWired)
    }

    pub fn state(&self, id: u32, now: u64) -> Result<State, GovernanceError> {
        Ok(self.get(id)?.state(now))
    }

    fn get(&self, id: u32) -> Result<Proposal, GovernanceError> {
        self.proposals
            .get(id)
            .ok_or(GovernanceError::UnknownProposal)
    }

    /// The treasury: governance's DYN balance less what voters locked and proposers deposited.
    pub fn treasury(&self, balance: u128) -> Result<u128, GovernanceError> {
        Ok(minus(
            minus(balance, self.locked_total)?,
            self.deposits_held,
        )?)
    }

    /// The wiring admin names the targets, once; the wiring locks with it.
    pub fn wire(
        &mut self,
        caller: AccountId,
        targets: Targets,
    ) -> Result<Vec<GovernanceEvent>, GovernanceError> {
        self.wiring.lock(caller)?;
        self.targets = Some(targets);
        Ok(vec![Wired { targets }.into()])
    }

    /// `caller` locks `amount` more DYN for voting from block `block` on.
    pub fn lock(
        &mut self,
        caller: AccountId,
        amount: u128,
        block: u32,
    ) -> Result<Outcome, GovernanceError> {
        self.targets()?;
        if amount == 0 {
            return Err(GovernanceError::ZeroAmount);
        }
        let total = plus(self.locked(caller), amount)?;
        self.locks.record(caller, block, total);
        self.locked_total = plus(self.locked_total, amount)?;
        let event = Locked {
            account: caller,
            amount,
            total,
        };
        Ok((
            vec![event.into()],
            vec![Effect::Pull {
                from: caller,
                amount,
            }],
        ))
    }

    /// `caller` takes `amount` of its locked DYN back. Any time: power is read at each
    /// proposal's snapshot, so what leaves after it changes no vote, and what arrives after it
    /// counts for none.
    pub fn unlock(
        &mut self,
        caller: AccountId,
        amount: u128,
        block: u32,
    ) -> Result<Outcome, GovernanceError> {
        if amount == 0 {
            return Err(GovernanceError::ZeroAmount);
        }
        let total = self
            .locked(caller)
            .checked_sub(amount)
            .ok_or(GovernanceError::InsufficientLocked)?;
        self.locks.record(caller, block, total);
        self.locked_total = minus(self.locked_total, amount)?;
        let event = Unlocked {
            account: caller,
            amount,
            total,
        };
        Ok((vec![event.into()], vec![Effect::Pay { to: caller, amount }]))
    }

    /// `account`'s voting power at the end of block `snapshot` under the gate `floor`/`age`:
    /// √locked + 2·√bonded, both in DYN base units (so one whole DYN gives 10⁹ units), if it
    /// had at least `floor` bonded at the snapshot and `age` blocks before it; else zero.
    pub fn power(
        &self,
        world: &impl World,
        account: AccountId,
        snapshot: u32,
        floor: u128,
        age: u32,
    ) -> Result<u128, GovernanceError> {
        let bonded = world.bonded_at(account, snapshot)?;
        if bonded < floor || world.bonded_at(account, snapshot.saturating_sub(age))? < floor {
            return Ok(0);
        }
        let locked = self.locks.value_at(account, snapshot);
        Ok(plus(isqrt(locked), isqrt(bonded).saturating_mul(2))?)
    }

    /// Checks one action against the targets' state now: parameters inside their hard bounds
    /// and the step cap, a payment inside the per-proposal cap.
    fn check(&self, world: &impl World, action: &Action) -> Result<(), GovernanceError> {
        let step = self.bounds.step_ppb;
        // Every parameter action: from the value on chain, inside the target's bounds, by at
        // most the step.
        let moves = |old: &[u128], new: &[u128], min: &[u128], max: &[u128]| {
            within_all(old, new, min, max, step)
        };
        let ok = match action {
            Action::Reputation(new) => {
                let (old, b) = world.reputation()?;
                let f = |p: &reputation::Params| widen(p.fields());
                moves(&f(&old), &f(new), &f(&b.min), &f(&b.max))
            }
            Action::MintCredits(new) => {
                let (old, min, max) = world.tunables()?;
                moves(&old.fields(), &new.fields(), &min.fields(), &max.fields())
            }
            Action::Bonding(new) => {
                let (old, b) = world.bonding()?;
                moves(
                    &old.fields(),
                    &new.fields(),
                    &b.min.fields(),
                    &b.max.fields(),
                )
            }
            Action::Attestations(new) => {
                let (old, b) = world.attestations()?;
                moves(
                    &old.fields(),
                    &new.fields(),
                    &b.min.fields(),
                    &b.max.fields(),
                )
            }
            Action::PowerFlux(new) => {
                let (old, b) = world.power_flux()?;
                moves(
                    &old.fields(),
                    &new.fields(),
                    &b.min.fields(),
                    &b.max.fields(),
                )
            }
            Action::Governance(new) => self.bounds.allows(&self.config, new),
            Action::Treasury { amount, .. } => {
                if *amount == 0 || *amount > self.config.treasury_per_proposal {
                    return Err(GovernanceError::TreasuryCap);
                }
                true
            }
            Action::Council(_) | Action::Upgrade(_) | Action::Resolver(_) => true,
        };
        if ok {
            Ok(())
        } else {
            Err(GovernanceError::OutOfBounds)
        }
    }

    /// `caller` proposes `actions` at block `block`, time `now`. The strictest class among the
    /// actions gives the rules, copied into the proposal; power is read at `block − 1`.
    pub fn propose(
        &mut self,
        world: &impl World,
        caller: AccountId,
        actions: Vec<Action>,
        description: [u8; 32],
        block: u32,
        now: u64,
    ) -> Result<(u32, Outcome), GovernanceError> {
        self.targets()?;
        let count = u32::try_from(actions.len()).unwrap_or(u32::MAX);
        if count == 0 || count > MAX_ACTIONS {
            return Err(GovernanceError::BadActionCount);
        }
        let mut seen = [false; TARGETS];
        for action in &actions {
            let slot = seen
                .get_mut(usize::from(action.target()))
                .ok_or(GovernanceError::DuplicateTarget)?;
            if *slot {
                return Err(GovernanceError::DuplicateTarget);
            }
            *slot = true;
        }
        if !world.authority(caller)? {
            return Err(GovernanceError::NoAuthority);
        }
        for action in &actions {
            self.check(world, action)?;
        }
        let class = actions
            .iter()
            .map(Action::class)
            .max()
            .unwrap_or(Class::Upgrade);
        let rules = self.config.rules(class);
        let vote_start = now.saturating_add(self.config.voting_delay_ms);
        let deposit = self.config.proposal_deposit;
        let proposal = Proposal {
            proposer: caller,
            class,
            rules,
            snapshot: block.saturating_sub(1),
            vote_start,
            vote_end: vote_start.saturating_add(rules.voting_ms),
            bond_floor: self.config.vote_bond_floor,
            bond_age_blocks: self.config.vote_bond_age_blocks,
            deposit,
            min_support: mul_ppb_ceil(rules.quorum, self.config.min_support_ppb),
            deposit_settled: false,
            tally: Tally::default(),
            status: Status::Open,
            description,
        };
        let id = self.next_id;
        self.next_id = plus(id, 1)?;
        self.deposits_held = plus(self.deposits_held, deposit)?;
        let event = ProposalCreated {
            id,
            proposer: caller,
            class,
            actions: actions.clone(),
            snapshot: proposal.snapshot,
            vote_start,
            vote_end: proposal.vote_end,
            description,
        };
        self.proposals.insert(id, &proposal);
        self.actions.insert(id, &actions);
        Ok((
            id,
            (
                vec![event.into()],
                vec![Effect::Pull {
                    from: caller,
                    amount: deposit,
                }],
            ),
        ))
    }

    /// `caller` votes on proposal `id` with its power at the proposal's snapshot. One vote per
    /// account and proposal, final. Work is constant in the number of voters and proposals.
    pub fn vote(
        &mut self,
        world: &impl World,
        caller: AccountId,
        id: u32,
        support: Support,
        now: u64,
    ) -> Result<Vec<GovernanceEvent>, GovernanceError> {
        let mut p = self.get(id)?;
        if p.state(now) != State::Active {
            return Err(GovernanceError::WrongState);
        }
        if self.votes.contains((id, caller)) {
            return Err(GovernanceError::AlreadyVoted);
        }
        let power = self.power(world, caller, p.snapshot, p.bond_floor, p.bond_age_blocks)?;
        if power == 0 {
            return Err(GovernanceError::NoVotingPower);
        }
        let t = &mut p.tally;
        match support {
            Support::For => t.for_votes = plus(t.for_votes, power)?,
            Support::Against => t.against = plus(t.against, power)?,
            Support::Abstain => t.abstain = plus(t.abstain, power)?,
        }
        self.proposals.insert(id, &p);
        self.votes.insert((id, caller), &(support, power));
        Ok(vec![VoteCast {
            id,
            voter: caller,
            support,
            power,
        }
        .into()])
    }

    /// Anyone queues a succeeded proposal; it may execute after its timelock.
    pub fn queue(&mut self, id: u32, now: u64) -> Result<Vec<GovernanceEvent>, GovernanceError> {
        let mut p = self.get(id)?;
        if p.state(now) != State::Succeeded {
            return Err(GovernanceError::WrongState);
        }
        let eta = now.saturating_add(p.rules.timelock_ms);
        p.status = Status::Queued { eta };
        self.proposals.insert(id, &p);
        Ok(vec![ProposalQueued { id, eta }.into()])
    }

    /// Anyone executes a queued proposal once its timelock has passed, before it expires.
    /// Every action is checked again against the targets' state now (a parameter moved by
    /// another proposal meanwhile moves the step's origin).
    pub fn execute(
        &mut self,
        world: &impl World,
        id: u32,
        now: u64,
    ) -> Result<Outcome, GovernanceError> {
        let mut p = self.get(id)?;
        match (p.state(now), p.status) {
            (State::Queued, Status::Queued { eta }) if now >= eta => {}
            _ => return Err(GovernanceError::WrongState),
        }
        let mut events: Vec<GovernanceEvent> = vec![ProposalExecuted { id }.into()];
        let mut effects = Vec::new();
        for (i, action) in self.actions(id).into_iter().enumerate() {
            let index = u8::try_from(i).unwrap_or(u8::MAX);
            self.check(world, &action)?;
            match action {
                Action::Reputation(params) => effects.push(Effect::SetReputation { index, params }),
                Action::MintCredits(tunables) => {
                    effects.push(Effect::SetTunables { index, tunables })
                }
                Action::Governance(config) => {
                    self.config = config;
                    events.push(ConfigChanged { config }.into());
                }
                Action::Treasury { to, amount } => {
                    self.spend(world, amount, now)?;
                    effects.push(Effect::Pay { to, amount });
                    events.push(TreasuryPaid { id, to, amount }.into());
                }
                Action::Council(council) => {
                    self.council = council;
                    events.push(CouncilChanged { council }.into());
                }
                Action::Upgrade(code_hash) => {
                    effects.push(Effect::SetCode { index, code_hash });
                    events.push(CodeUpgraded { code_hash }.into());
                }
                Action::Bonding(params) => effects.push(Effect::SetBonding { index, params }),
                Action::Attestations(params) => {
                    effects.push(Effect::SetAttestations { index, params })
                }
                Action::PowerFlux(tunables) => {
                    effects.push(Effect::SetPowerFlux { index, tunables })
                }
                Action::Resolver(resolver) => {
                    effects.push(Effect::SetResolver { index, resolver });
                    events.push(ResolverChanged { resolver }.into());
                }
            }
        }
        p.status = Status::Executed;
        self.proposals.insert(id, &p);
        Ok((events, effects))
    }

    /// Records a treasury payment of `amount` at `now` inside the per-epoch cap and the
    /// treasury's balance.
    fn spend(&mut self, world: &impl World, amount: u128, now: u64) -> Result<(), GovernanceError> {
        let epoch = now
            .checked_div(self.config.treasury_epoch_ms)
            .ok_or(GovernanceError::InvalidConfig)?;
        if epoch != self.spent_epoch {
            self.spent_epoch = epoch;
            self.spent = 0;
        }
        let spent = plus(self.spent, amount)?;
        if spent > self.config.treasury_per_epoch || amount > self.treasury(world.balance()?)? {
            return Err(GovernanceError::TreasuryCap);
        }
        self.spent = spent;
        Ok(())
    }

    /// Cancels proposal `id` before voting ends: its proposer while it is pending, or the
    /// council as spam (any class but the council's own, so a council cannot keep its seat
    /// by cancelling its replacement).
    pub fn cancel(
        &mut self,
        caller: AccountId,
        id: u32,
        now: u64,
    ) -> Result<Vec<GovernanceEvent>, GovernanceError> {
        let mut p = self.get(id)?;
        let state = p.state(now);
        if !matches!(state, State::Pending | State::Active) {
            return Err(GovernanceError::WrongState);
        }
        let spam = if caller == self.council && p.class != Class::Council {
            true
        } else if caller == p.proposer {
            if state != State::Pending {
                return Err(GovernanceError::WrongState);
            }
            false
        } else if caller == self.council {
            return Err(GovernanceError::NotCouncil);
        } else {
            return Err(GovernanceError::NotProposer);
        };
        p.status = Status::Cancelled { spam };
        self.proposals.insert(id, &p);
        Ok(vec![ProposalCancelled { id, spam }.into()])
    }

    /// Anyone settles proposal `id`'s deposit once voting is over: back to the proposer if the
    /// for votes reached the minimum support or the proposer withdrew it before voting, else
    /// to the treasury (spam, or no support).
    pub fn settle_deposit(&mut self, id: u32, now: u64) -> Result<Outcome, GovernanceError> {
        let mut p = self.get(id)?;
        if matches!(p.state(now), State::Pending | State::Active) {
            return Err(GovernanceError::WrongState);
        }
        if p.deposit_settled {
            return Err(GovernanceError::DepositSettled);
        }
        let returned = match p.status {
            Status::Cancelled { spam } => !spam,
            _ => p.tally.for_votes >= p.min_support,
        };
        p.deposit_settled = true;
        self.proposals.insert(id, &p);
        self.deposits_held = minus(self.deposits_held, p.deposit)?;
        let event = DepositSettled {
            id,
            returned,
            amount: p.deposit,
        };
        let effects = if returned && p.deposit > 0 {
            vec![Effect::Pay {
                to: p.proposer,
                amount: p.deposit,
            }]
        } else {
            Vec::new()
        };
        Ok((vec![event.into()], effects))
    }
}
