//! Typed calls to the governance contract of a [`Suite::governed`] suite, and the accounts a
//! DAO test needs: aged voters and a reputable proposer.

use crate::{
    call_data,
    suite::{done, ok, who, Suite},
    AccountId, Called,
};
use dynamis_deploy::calls::governance as sel;
use dynamis_shared::{Action as RepAction, Role, DAY, ONE_DYN};
use governance::{Action, Config, GovernanceError, Proposal, State, Support};
use scale::{Decode, Encode};

pub type GovResult<T> = Result<T, GovernanceError>;

/// Blocks a bond must age before it votes (the default gate), plus one.
pub const AGED: u32 = 7 * DAY + 1;

/// Milliseconds per sandbox block.
pub const BLOCK_MS: u64 = dynamis_deploy::sandbox::BLOCK_MS;

impl Suite {
    pub fn gov(&self) -> AccountId {
        self.governance
            .unwrap_or_else(|| panic!("a governed suite (Suite::governed)"))
    }

    pub fn gov_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let gov = self.gov();
        ok(
            self.chain.call(gov, caller, call_data(selector, args)),
            "governance",
        )
    }

    pub fn gov_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let gov = self.gov();
        ok(
            self.chain.query(gov, call_data(selector, args)),
            "governance query",
        )
    }

    /// `owner` allows governance to pull `amount` more DYN.
    pub fn allow_gov(&mut self, owner: AccountId, amount: u128) {
        let (token, gov) = (self.token, self.gov());
        let allowed = token.increase_allowance(&mut self.chain, owner, gov, amount);
        assert_eq!(allowed.value, Ok(()));
    }

    pub fn lock(&mut self, caller: AccountId, amount: u128) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::LOCK, amount)
    }

    /// Funds, approves and locks.
    pub fn lock_new(&mut self, caller: AccountId, amount: u128) {
        self.give(caller, amount);
        self.allow_gov(caller, amount);
        done(self.lock(caller, amount));
    }

    pub fn unlock(&mut self, caller: AccountId, amount: u128) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::UNLOCK, amount)
    }

    pub fn propose_gov(
        &mut self,
        caller: AccountId,
        actions: Vec<Action>,
    ) -> Called<GovResult<u32>> {
        self.gov_call(caller, sel::PROPOSE, (actions, [0x5au8; 32]))
    }

    pub fn vote(&mut self, caller: AccountId, id: u32, support: Support) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::VOTE, (id, support))
    }

    pub fn queue(&mut self, caller: AccountId, id: u32) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::QUEUE, id)
    }

    pub fn execute(&mut self, caller: AccountId, id: u32) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::EXECUTE, id)
    }

    pub fn cancel(&mut self, caller: AccountId, id: u32) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::CANCEL, id)
    }

    pub fn settle_deposit(&mut self, caller: AccountId, id: u32) -> Called<GovResult<()>> {
        self.gov_call(caller, sel::SETTLE_DEPOSIT, id)
    }

    pub fn gov_state(&mut self, id: u32) -> Option<State> {
        self.gov_query(sel::STATE, id)
    }

    pub fn gov_proposal(&mut self, id: u32) -> Proposal {
        let p: Option<Proposal> = self.gov_query(sel::PROPOSAL, id);
        p.unwrap_or_else(|| panic!("proposal {id}"))
    }

    pub fn power(&mut self, id: u32, account: AccountId) -> u128 {
        let p: GovResult<u128> = self.gov_query(sel::POWER, (id, account));
        p.unwrap_or_else(|e| panic!("power: {e:?}"))
    }

    pub fn gov_config(&mut self) -> Config {
        self.gov_query(sel::CONFIG, ())
    }

    pub fn treasury(&mut self) -> u128 {
        let t: GovResult<u128> = self.gov_query(sel::TREASURY, ());
        t.unwrap_or_else(|e| panic!("treasury: {e:?}"))
    }

    pub fn active_at(&mut self, account: AccountId, block: u32) -> u128 {
        self.bond_query(dynamis_deploy::calls::bonding::ACTIVE_AT, (account, block))
    }

    /// Moves the chain `ms` of time ahead (whole blocks, rounded up).
    pub fn wait(&mut self, ms: u64) {
        let blocks = u32::try_from(ms.div_ceil(BLOCK_MS)).unwrap_or(u32::MAX);
        self.chain.advance(blocks);
    }

    /// Moves the chain to time `at` (if it is not past it already).
    pub fn wait_until(&mut self, at: u64) {
        let now = self.chain.timestamp();
        if at > now {
            self.wait(at - now);
        }
    }

    /// An account with `bonded` DYN bonded (Verifier role) and `locked` DYN locked in
    /// governance. Age it with `chain.advance(AGED)` before the proposal it votes on.
    pub fn voter(&mut self, n: u8, bonded: u128, locked: u128) -> AccountId {
        let v = who::user(n);
        if bonded > 0 {
            self.bond_new(v, Role::Verifier, bonded);
        }
        if locked > 0 {
            self.lock_new(v, locked);
        }
        v
    }

    /// An account with reputation's `ProposeGovernance` authority (score built by
    /// [`who::writer`] over enough epochs) and DYN for 100 deposits, approved.
    pub fn proposer(&mut self, n: u8) -> AccountId {
        let p = who::user(n);
        let params = self.rep_params();
        let index = RepAction::ProposeGovernance.index();
        // Twice the threshold: the score decays while long proposals run.
        let (target, epochs) = (2 * params.min_score[index], params.min_active_epochs[index]);
        let mut epoch = 0;
        while self.score(p) < target || epoch <= epochs {
            let cap = params.max_gain_per_epoch / params.max_gain_per_success;
            for _ in 0..cap {
                done(self.record_success(who::writer(), p, params.max_gain_per_success));
            }
            self.chain.advance(params.epoch_blocks);
            epoch += 1;
        }
        assert!(self.authority(p, RepAction::ProposeGovernance));
        let deposits = 100 * self.gov_config().proposal_deposit;
        self.give(p, deposits);
        self.allow_gov(p, deposits);
        p
    }

    /// Votes `voters` for proposal `id` once it is active, and takes it through queueing to
    /// execution. Returns the execution's call.
    pub fn pass(&mut self, id: u32, voters: &[AccountId]) -> Called<GovResult<()>> {
        let p = self.gov_proposal(id);
        self.wait_until(p.vote_start);
        for v in voters {
            done(self.vote(*v, id, Support::For));
        }
        self.wait_until(p.vote_end);
        done(self.queue(who::user(250), id));
        let eta = self.chain.timestamp() + p.rules.timelock_ms;
        self.wait_until(eta);
        self.execute(who::user(251), id)
    }
}

/// Base units whose square root is `root` (a bond giving power exactly `2·root`).
pub fn square(root: u128) -> u128 {
    root * root
}

pub const WHALE: u128 = 1_000_000 * ONE_DYN;
