//! G2 and G3: who may propose, the announcement, the challenge and its decision (with a
//! deadline and a default), activation into locked credits (G4), and expiry.

use super::{
    bound::at, ensure, Activated, Challenge, ChallengeResolved, Challenged, Credit, Credits,
    Effect, Hash, MintError, MintEvent, Outcome, Phase, Proposal, ProposalExpired, ProposalState,
    Proposed, Reads, Signal, World,
};
use dynamis_shared::{
    math::{minus, mul_ppb, plus},
    Action, Role, SlashClass,
};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId};

impl Credits {
    /// `caller` announces a mint of `amount` to `beneficiary` on `signal`, citing attestations
    /// `cited` (B–E) and naming `document`. Refused to governance by name (G7), in phases 0–1
    /// and, for A, in phase 2; refused unless the beneficiary is the caller or consented to
    /// it; refused without reputation authority and an active bond (G3); refused above
    /// f(Δ, w) (G1). Returns the proposal id.
    #[allow(clippy::too_many_arguments)]
    pub fn propose(
        &mut self,
        world: &dyn World,
        caller: AccountId,
        signal: Signal,
        beneficiary: AccountId,
        amount: u128,
        cited: &[u64],
        document: Hash,
        now: u32,
    ) -> Result<(u64, Vec<MintEvent>), MintError> {
        ensure(
            caller != self.governance,
            MintError::GovernanceCannotPropose,
        )?;
        ensure(self.phase >= Phase::Conditional, MintError::PhaseClosed)?;
        ensure(
            !signal.is_measured() || self.phase >= Phase::Measured,
            MintError::SignalNotOpen,
        )?;
        ensure(amount > 0, MintError::ZeroAmount)?;
        ensure(self.consents(beneficiary, caller), MintError::NoConsent)?;
        ensure(
            world.authority(caller, Action::ProposeMint)?,
            MintError::NoAuthority,
        )?;
        let proposer_role = world.bonded_role(caller)?.ok_or(MintError::NotBonded)?;
        let backing = if signal.is_measured() {
            ensure(cited.is_empty(), MintError::UnexpectedEvidence)?;
            self.measured_delta(world, beneficiary)?
        } else {
            self.cited_delta(world, signal, beneficiary, cited)?
        };
        let regime = signal.regime();
        let bound = self.bound(regime, backing.delta, world.score(beneficiary)?);
        ensure(amount <= bound, MintError::AboveBound { bound })?;
        let claim = (beneficiary, regime.index());
        let claimed = if signal.is_measured() {
            backing.level
        } else {
            plus(self.claimed(beneficiary, regime.index()), backing.delta)?
        };
        self.claimed.insert(claim, &claimed);
        for id in cited {
            self.cited.insert((*id, beneficiary), &());
        }
        let id = self.next_id;
        self.next_id = plus(id, 1)?;
        let activates_at = now.saturating_add(self.tunables.delay_blocks);
        self.proposals.insert(
            id,
            &Proposal {
                signal,
                proposer: caller,
                proposer_role,
                beneficiary,
                amount,
                delta: backing.delta,
                level: backing.level,
                document,
                announced_at: now,
                activates_at,
                state: ProposalState::Announced,
                challenge: None,
            },
        );
        let event = Proposed {
            id,
            proposer: caller,
            beneficiary,
            signal,
            regime,
            amount,
            bound,
            delta: backing.delta,
            level: backing.level,
            document,
            cited: cited.to_vec(),
            activates_at,
        };
        Ok((id, vec![MintEvent::Proposed(event)]))
    }

    fn announced(&self, id: u64) -> Result<Proposal, MintError> {
        let p = self.proposals.get(id).ok_or(MintError::UnknownProposal)?;
        ensure(p.state == ProposalState::Announced, MintError::NotAnnounced)?;
        Ok(p)
    }

    /// `caller` (with challenge authority and an active bond) challenges proposal `id` before
    /// it activates, putting up the deposit; the proposal is suspended (G2).
    pub fn challenge(
        &mut self,
        world: &dyn World,
        caller: AccountId,
        id: u64,
        evidence: Hash,
        now: u32,
    ) -> Result<Outcome, MintError> {
        let mut p = self.announced(id)?;
        ensure(now < p.activates_at, MintError::ChallengeClosed)?;
        ensure(
            world.authority(caller, Action::Challenge)?,
            MintError::NoAuthority,
        )?;
        ensure(world.bonded_role(caller)?.is_some(), MintError::NotBonded)?;
        let deposit = self.tunables.challenge_deposit;
        let remaining = p.activates_at.saturating_sub(now);
        let decide_until = now.saturating_add(self.params.decide_blocks);
        p.state = ProposalState::Challenged;
        p.challenge = Some(Challenge {
            challenger: caller,
            deposit,
            evidence,
            remaining,
            decide_until,
        });
        self.proposals.insert(id, &p);
        self.totals.deposits_held = plus(self.totals.deposits_held, deposit)?;
        let event = Challenged {
            id,
            challenger: caller,
            deposit,
            evidence,
            remaining,
            decide_until,
        };
        Ok((
            vec![MintEvent::Challenged(event)],
            vec![Effect::Pull {
                from: caller,
                amount: deposit,
            }],
        ))
    }

    /// Proposal `id` with its challenge taken out (the state is the caller's to set).
    fn challenged(&self, id: u64) -> Result<(Proposal, Challenge), MintError> {
        let mut p = self.proposals.get(id).ok_or(MintError::UnknownProposal)?;
        match (p.state, p.challenge.take()) {
            (ProposalState::Challenged, Some(c)) => Ok((p, c)),
            _ => Err(MintError::NotChallenged),
        }
    }

    /// The slashes an upheld challenge reports: the proposer's bond in the role that gave it
    /// standing, and for B–E the beneficiary's verifier bond (its co-signature is the
    /// evidence), each of the malicious class.
    fn slashes_of(p: &Proposal, challenge: &Challenge) -> Vec<Effect> {
        let slash = |offender, role| Effect::Slash {
            offender,
            role,
            class: SlashClass::Malicious,
            evidence: challenge.evidence,
            beneficiary: challenge.challenger,
        };
        let mut effects = vec![slash(p.proposer, p.proposer_role)];
        let vouched = (p.beneficiary, Role::Verifier);
        if !p.signal.is_measured() && vouched != (p.proposer, p.proposer_role) {
            effects.push(slash(p.beneficiary, Role::Verifier));
        }
        effects
    }

    /// The resolver decides the challenge of proposal `id` before its deadline. Upheld: the
    /// proposal is cancelled, the deposit returned, the proposer's bond (and the beneficiary's,
    /// for cited evidence) slashed in full. Rejected: the deposit burns and the proposal
    /// resumes with the delay it had left.
    pub fn resolve(
        &mut self,
        caller: AccountId,
        id: u64,
        upheld: bool,
        now: u32,
    ) -> Result<Outcome, MintError> {
        ensure(caller == self.resolver, MintError::NotResolver)?;
        let (mut p, challenge) = self.challenged(id)?;
        ensure(now < challenge.decide_until, MintError::DecisionClosed)?;
        let deposit = challenge.deposit;
        self.totals.deposits_held = minus(self.totals.deposits_held, deposit)?;
        let (activates_at, effects) = if upheld {
            p.state = ProposalState::Cancelled;
            let mut effects = vec![Effect::Pay {
                to: challenge.challenger,
                amount: deposit,
            }];
            effects.extend(Self::slashes_of(&p, &challenge));
            (None, effects)
        } else {
            p.state = ProposalState::Announced;
            p.activates_at = now.saturating_add(challenge.remaining);
            self.totals.deposits_burned = plus(self.totals.deposits_burned, deposit)?;
            (Some(p.activates_at), vec![Effect::Burn(deposit)])
        };
        self.proposals.insert(id, &p);
        let event = ChallengeResolved {
            id,
            challenger: challenge.challenger,
            upheld,
            by_default: false,
            deposit,
            activates_at,
        };
        Ok((vec![MintEvent::ChallengeResolved(event)], effects))
    }

    /// Anyone applies the default to a challenge the resolver left undecided past its
    /// deadline: the proposal is cancelled (nothing mints without a decision), the deposit
    /// returns, nobody is slashed.
    pub fn expire_challenge(&mut self, id: u64, now: u32) -> Result<Outcome, MintError> {
        let (mut p, challenge) = self.challenged(id)?;
        ensure(now >= challenge.decide_until, MintError::DecisionOpen)?;
        let deposit = challenge.deposit;
        self.totals.deposits_held = minus(self.totals.deposits_held, deposit)?;
        p.state = ProposalState::Cancelled;
        self.proposals.insert(id, &p);
        let event = ChallengeResolved {
            id,
            challenger: challenge.challenger,
            upheld: false,
            by_default: true,
            deposit,
            activates_at: None,
        };
        Ok((
            vec![MintEvent::ChallengeResolved(event)],
            vec![Effect::Pay {
                to: challenge.challenger,
                amount: deposit,
            }],
        ))
    }

    /// The first block at which announced proposal `p` can no longer activate.
    fn expires_at(&self, p: &Proposal) -> u32 {
        p.activates_at.saturating_add(self.params.expiry_blocks)
    }

    /// Anyone activates proposal `id` once its delay has passed unchallenged (or with every
    /// challenge rejected) and before it expires: the bound is taken again (scarcity and score
    /// may have moved) and min(amount, bound) is minted into a locked credit (G4), never above
    /// the ceiling (G6). Its obligations join the beneficiary's earlier ones.
    pub fn activate(&mut self, world: &dyn World, id: u64, now: u32) -> Result<Outcome, MintError> {
        let mut p = self.announced(id)?;
        ensure(now >= p.activates_at, MintError::DelayRunning)?;
        ensure(now < self.expires_at(&p), MintError::ProposalExpired)?;
        let regime = p.signal.regime();
        let bound = self.bound(regime, p.delta, world.score(p.beneficiary)?);
        let amount = p.amount.min(bound);
        ensure(amount > 0, MintError::CeilingReached)?;
        let r = usize::from(regime.index());
        let regime_minted = plus(at(&self.totals.minted, regime), amount)?;
        ensure(
            regime_minted <= at(&self.params.ceilings, regime),
            MintError::CeilingReached,
        )?;
        if let Some(minted) = self.totals.minted.get_mut(r) {
            *minted = regime_minted;
        }
        self.totals.locked = plus(self.totals.locked, amount)?;
        let floor = mul_ppb(p.level, self.params.sustain_ppb);
        let first_epoch = plus(world.epoch()?, 1)?;
        let tranches = self.tunables.tranches;
        let mut required = Vec::new();
        for i in 0..tranches {
            let key = (p.beneficiary, regime.index(), plus(first_epoch, i)?);
            let owed = plus(self.owed.get(key).unwrap_or(0), floor)?;
            self.owed.insert(key, &owed);
            required.push(owed);
        }
        let credit = Credit {
            beneficiary: p.beneficiary,
            proposer: p.proposer,
            regime: regime.index(),
            amount,
            released: 0,
            burned: 0,
            floor,
            first_epoch,
            tranches,
            paid: 0,
            required: required.clone(),
        };
        self.credits.insert(id, &credit);
        p.state = ProposalState::Activated;
        self.proposals.insert(id, &p);
        let event = Activated {
            id,
            beneficiary: p.beneficiary,
            regime,
            amount,
            bound,
            regime_minted,
            floor,
            first_epoch,
            tranches,
            required,
        };
        Ok((
            vec![MintEvent::Activated(event)],
            vec![Effect::Mint(amount)],
        ))
    }

    /// Anyone marks announced proposal `id` expired once it can no longer activate.
    pub fn expire(&mut self, id: u64, now: u32) -> Result<Vec<MintEvent>, MintError> {
        let mut p = self.announced(id)?;
        ensure(now >= self.expires_at(&p), MintError::NotExpired)?;
        p.state = ProposalState::Expired;
        self.proposals.insert(id, &p);
        Ok(vec![MintEvent::ProposalExpired(ProposalExpired { id })])
    }
}
