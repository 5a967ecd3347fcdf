//! How an attestation is disputed inside its window: a fraud proof anyone can make with one
//! leaf (`challenge`), a contest of a signature item the chain cannot check (`contest`, decided
//! by the resolver before a deadline), and a data-availability request that the co-signers
//! must answer with the item (`request_item`, `answer`, `claim_unanswered`). A rejection
//! takes the attestation's capacity back, refunds every open request and reports every
//! co-signer's slash for the challenger's benefit.

use crate::{
    registry::Registry,
    types::{
        AttestationError, AttestationEvent, Contest, ContestResolved, Contested, DataWithheld,
        Effect, FraudProven, ItemAnswered, ItemRequested, Outcome, Record, Request, Status,
        MAX_OPEN_REQUESTS,
    },
};
use dynamis_proofs::{
    batch_leaf, check, item_digest, verify_inclusion, Check, Crypto, Hash, Item, Slot, Verdict,
};
use dynamis_shared::{
    math::{minus, plus},
    share,
};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId, scale::Encode};

/// Where a shown item stands in the batch, by its leaf.
enum Placed {
    /// Its leaf marks it valid where the counts say an item of its kind marked valid stands.
    ValidInRange,
    /// Its leaf marks it invalid in the invalid tail.
    InvalidInTail,
    /// Its leaf is in the tree but not where the counts say such a leaf stands: the counts
    /// are false.
    OutOfPlace,
}

impl Registry {
    /// Where `item` stands at `index` of `record`'s batch by the leaf `proof` shows, or
    /// `InvalidProof` if neither verdict's leaf is there.
    fn place<C: Crypto>(
        record: &Record,
        item: &Item,
        index: u64,
        proof: &[Hash],
    ) -> Result<(Hash, Placed), AttestationError> {
        let digest = item_digest::<C>(item);
        let shown = |verdict| {
            let leaf = batch_leaf::<C>(&digest, verdict);
            verify_inclusion::<C>(&leaf, index, record.items, proof, &record.root)
        };
        let slot = record.attestation().slot(index);
        let placed = if shown(Verdict::Valid) {
            if slot == Some(Slot::Valid(item.kind())) {
                Placed::ValidInRange
            } else {
                Placed::OutOfPlace
            }
        } else if shown(Verdict::Invalid) {
            if slot == Some(Slot::Invalid) {
                Placed::InvalidInTail
            } else {
                Placed::OutOfPlace
            }
        } else {
            return Err(AttestationError::InvalidProof);
        };
        Ok((digest, placed))
    }

    fn in_window(&self, record: &Record, now: u32) -> Result<(), AttestationError> {
        if now >= self.window_end(record) {
            return Err(AttestationError::WindowClosed);
        }
        Ok(())
    }

    /// Adds `delta` (+1 or −1 as `open`) to the open disputes of `epoch`.
    fn count_dispute(&mut self, epoch: u32, open: bool) -> Result<(), AttestationError> {
        let mut totals = self.totals(epoch);
        totals.open_disputes = if open {
            plus(totals.open_disputes, 1)?
        } else {
            minus(totals.open_disputes, 1)?
        };
        self.totals.insert(epoch, &totals);
        Ok(())
    }

    /// Rejects attestation `id`: its shares and totals taken back, every open data request
    /// refunded and closed, every co-signer's slash reported for `beneficiary`. The caller
    /// closes a contest itself.
    fn reject(
        &mut self,
        id: u64,
        mut record: Record,
        beneficiary: AccountId,
        evidence: Hash,
    ) -> Result<Vec<Effect>, AttestationError> {
        let (epoch, regime) = (record.epoch, record.regime);
        for (position, signer) in record.signers.iter().enumerate() {
            let units = share(record.capacity, record.signers.len(), position).unwrap_or(0);
            let credited = minus(self.credited(*signer, epoch, regime), u128::from(units))?;
            self.credited.insert((*signer, epoch, regime), &credited);
        }
        let mut totals = self.totals(epoch);
        let valid = record.attestation().valid_items().unwrap_or(0);
        totals.attestations = minus(totals.attestations, 1)?;
        totals.items = minus(totals.items, record.items)?;
        totals.valid = minus(totals.valid, valid)?;
        totals.capacity = minus(totals.capacity, u128::from(record.capacity))?;
        let open = u32::try_from(record.requests.len()).unwrap_or(u32::MAX);
        totals.open_disputes = minus(totals.open_disputes, open)?;
        self.totals.insert(epoch, &totals);
        let mut effects = Vec::new();
        for index in core::mem::take(&mut record.requests) {
            if let Some(request) = self.requests.get((id, index)) {
                self.requests.remove((id, index));
                effects.push(Effect::Pay {
                    to: request.challenger,
                    amount: request.deposit,
                });
            }
        }
        effects.extend(record.signers.iter().map(|&offender| Effect::Slash {
            offender,
            evidence,
            beneficiary,
        }));
        record.status = Status::Rejected;
        record.challenger = Some(beneficiary);
        self.records.insert(id, &record);
        Ok(effects)
    }

    /// `caller` proves attestation `id` false with `item` at `index` and its audit `proof`:
    /// either the item's leaf is not where the counts say such a leaf stands (the counts are
    /// false), or it is marked valid and the chain finds it false. Anyone may; a failed proof
    /// changes nothing. A signature item the chain cannot check is contested instead.
    #[allow(clippy::too_many_arguments)]
    pub fn challenge<C: Crypto>(
        &mut self,
        caller: AccountId,
        id: u64,
        item: &Item,
        index: u64,
        proof: &[Hash],
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let record = self.pending(id)?;
        self.in_window(&record, now)?;
        let (digest, placed) = Self::place::<C>(&record, item, index, proof)?;
        match placed {
            Placed::OutOfPlace => {}
            Placed::InvalidInTail => return Err(AttestationError::NoFraud),
            Placed::ValidInRange => match check::<C>(item) {
                Check::Invalid => {}
                Check::Valid => return Err(AttestationError::NoFraud),
                Check::OffChain => return Err(AttestationError::NotCheckableOnChain),
            },
        }
        let evidence = C::sha256(&(id, digest, index).encode());
        let effects = self.reject(id, record, caller, evidence)?;
        let event = FraudProven {
            id,
            challenger: caller,
            item: digest,
            index,
            evidence,
        };
        Ok((vec![AttestationEvent::FraudProven(event)], effects))
    }

    /// `caller`, a registered verifier whose bond is at the floor (`stake`), contests the
    /// signature item `item` marked valid at `index`, putting up the contest deposit. Nothing
    /// is reserved from anyone until the resolver decides.
    #[allow(clippy::too_many_arguments)]
    pub fn contest<C: Crypto>(
        &mut self,
        caller: AccountId,
        id: u64,
        item: &Item,
        index: u64,
        proof: &[Hash],
        stake: Option<u128>,
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let mut record = self.pending(id)?;
        self.in_window(&record, now)?;
        if self.registration(caller).is_none() {
            return Err(AttestationError::NotVerifier);
        }
        stake.ok_or(AttestationError::NotBonded)?;
        let (digest, placed) = Self::place::<C>(&record, item, index, proof)?;
        match (placed, check::<C>(item)) {
            (Placed::ValidInRange, Check::OffChain) => {}
            (Placed::InvalidInTail, _) => return Err(AttestationError::NoFraud),
            _ => return Err(AttestationError::CheckableOnChain),
        }
        let deposit = self.params.contest_deposit;
        let decide_until = now.saturating_add(self.params.decide_window_blocks);
        record.status = Status::Contested;
        record.contest = Some(Contest {
            challenger: caller,
            deposit,
            item: digest,
            index,
            decide_until,
        });
        let epoch = record.epoch;
        self.records.insert(id, &record);
        self.count_dispute(epoch, true)?;
        let event = Contested {
            id,
            challenger: caller,
            item: digest,
            index,
            deposit,
            decide_until,
        };
        Ok((
            vec![AttestationEvent::Contested(event)],
            vec![Effect::Pull {
                from: caller,
                amount: deposit,
            }],
        ))
    }

    /// Attestation `id` with its open contest.
    fn contested(&self, id: u64) -> Result<(Record, Contest), AttestationError> {
        let record = self
            .records
            .get(id)
            .ok_or(AttestationError::UnknownAttestation)?;
        match (record.status, record.contest) {
            (Status::Contested, Some(contest)) => Ok((record, contest)),
            _ => Err(AttestationError::NotContested),
        }
    }

    /// The contest of `record` (`id`) closes without rejecting: the attestation is back on
    /// its path to final; the deposit burns (decided) or returns (`by_default`).
    fn dismiss(
        &mut self,
        id: u64,
        mut record: Record,
        contest: Contest,
        by_default: bool,
    ) -> Result<Outcome, AttestationError> {
        record.status = Status::Pending;
        record.contest = None;
        let epoch = record.epoch;
        self.records.insert(id, &record);
        self.count_dispute(epoch, false)?;
        let effect = if by_default {
            Effect::Pay {
                to: contest.challenger,
                amount: contest.deposit,
            }
        } else {
            Effect::Burn(contest.deposit)
        };
        let event = ContestResolved {
            id,
            challenger: contest.challenger,
            upheld: false,
            by_default,
            deposit: contest.deposit,
        };
        Ok((vec![AttestationEvent::ContestResolved(event)], vec![effect]))
    }

    /// The resolver decides the contest of attestation `id` before its deadline. Upheld: the
    /// attestation is rejected, every co-signer's slash reported for the challenger, the
    /// deposit returned. Not upheld: the attestation resumes and the deposit burns.
    pub fn resolve_contest<C: Crypto>(
        &mut self,
        caller: AccountId,
        id: u64,
        upheld: bool,
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        if caller != self.resolver() {
            return Err(AttestationError::NotResolver);
        }
        let (mut record, contest) = self.contested(id)?;
        if now >= contest.decide_until {
            return Err(AttestationError::DecisionClosed);
        }
        if !upheld {
            return self.dismiss(id, record, contest, false);
        }
        record.contest = None;
        let epoch = record.epoch;
        let evidence = C::sha256(&(id, contest.item, contest.index).encode());
        let mut effects = self.reject(id, record, contest.challenger, evidence)?;
        self.count_dispute(epoch, false)?;
        effects.push(Effect::Pay {
            to: contest.challenger,
            amount: contest.deposit,
        });
        let event = ContestResolved {
            id,
            challenger: contest.challenger,
            upheld: true,
            by_default: false,
            deposit: contest.deposit,
        };
        Ok((vec![AttestationEvent::ContestResolved(event)], effects))
    }

    /// Anyone applies the default to a contest the resolver left undecided past its deadline:
    /// the attestation stands and the deposit returns (nobody is slashed without a decision).
    pub fn expire_contest(&mut self, id: u64, now: u32) -> Result<Outcome, AttestationError> {
        let (record, contest) = self.contested(id)?;
        if now < contest.decide_until {
            return Err(AttestationError::DecisionOpen);
        }
        self.dismiss(id, record, contest, true)
    }

    /// `caller` asks to see the item at `index` of attestation `id`'s batch, putting up the
    /// request deposit; the co-signers (or anyone holding the batch) must answer before the
    /// answer period ends.
    pub fn request_item(
        &mut self,
        caller: AccountId,
        id: u64,
        index: u64,
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let mut record = self.pending(id)?;
        self.in_window(&record, now)?;
        if index >= record.items {
            return Err(AttestationError::IndexOutOfRange);
        }
        if record.requests.contains(&index) {
            return Err(AttestationError::AlreadyRequested);
        }
        if record.requests.len() >= usize::try_from(MAX_OPEN_REQUESTS).unwrap_or(0) {
            return Err(AttestationError::TooManyRequests);
        }
        let deposit = self.params.request_deposit;
        let answer_until = now.saturating_add(self.params.answer_window_blocks);
        let request = Request {
            challenger: caller,
            deposit,
            answer_until,
        };
        self.requests.insert((id, index), &request);
        record.requests.push(index);
        let epoch = record.epoch;
        self.records.insert(id, &record);
        self.count_dispute(epoch, true)?;
        let event = ItemRequested {
            id,
            challenger: caller,
            index,
            deposit,
            answer_until,
        };
        Ok((
            vec![AttestationEvent::ItemRequested(event)],
            vec![Effect::Pull {
                from: caller,
                amount: deposit,
            }],
        ))
    }

    /// Attestation `id` with its open request at `index`.
    fn requested(&self, id: u64, index: u64) -> Result<(Record, Request), AttestationError> {
        let request = self
            .requests
            .get((id, index))
            .ok_or(AttestationError::NoRequest)?;
        let record = self
            .records
            .get(id)
            .ok_or(AttestationError::UnknownAttestation)?;
        Ok((record, request))
    }

    /// Anyone answers the request at `index` of attestation `id` with the item, its verdict
    /// (`valid`) and audit `proof`: the leaf must be in the tree where the counts say such a
    /// leaf stands. The request closes and its deposit burns. (Whether the item itself checks
    /// out is for `challenge` or `contest`: it is now public.)
    #[allow(clippy::too_many_arguments)]
    pub fn answer<C: Crypto>(
        &mut self,
        id: u64,
        index: u64,
        item: &Item,
        valid: bool,
        proof: &[Hash],
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let (mut record, request) = self.requested(id, index)?;
        if now >= request.answer_until {
            return Err(AttestationError::AnswerClosed);
        }
        let (digest, placed) = Self::place::<C>(&record, item, index, proof)?;
        match (placed, valid) {
            (Placed::ValidInRange, true) | (Placed::InvalidInTail, false) => {}
            _ => return Err(AttestationError::WrongSlot),
        }
        self.requests.remove((id, index));
        record.requests.retain(|i| *i != index);
        let epoch = record.epoch;
        self.records.insert(id, &record);
        self.count_dispute(epoch, false)?;
        let event = ItemAnswered {
            id,
            index,
            item: digest,
            valid,
        };
        Ok((
            vec![AttestationEvent::ItemAnswered(event)],
            vec![Effect::Burn(request.deposit)],
        ))
    }

    /// Anyone closes a request nobody answered in time: the attestation is rejected (every
    /// open request refunded) and every co-signer's slash reported for the requester.
    pub fn claim_unanswered<C: Crypto>(
        &mut self,
        id: u64,
        index: u64,
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let (mut record, request) = self.requested(id, index)?;
        if now < request.answer_until {
            return Err(AttestationError::AnswerOpen);
        }
        let epoch = record.epoch;
        let contest = record.contest.take();
        let evidence = C::sha256(&(id, index, b"withheld").encode());
        let mut effects = self.reject(id, record, request.challenger, evidence)?;
        // An open contest ends with the rejection it asked for: its deposit returns.
        if let Some(contest) = contest {
            self.count_dispute(epoch, false)?;
            effects.push(Effect::Pay {
                to: contest.challenger,
                amount: contest.deposit,
            });
        }
        let event = DataWithheld {
            id,
            challenger: request.challenger,
            index,
            evidence,
        };
        Ok((vec![AttestationEvent::DataWithheld(event)], effects))
    }
}
