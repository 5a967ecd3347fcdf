//! The suite so far (DYN, reputation, bonding, attestations) deployed and wired in a sandbox,
//! with typed calls to reputation and bonding (attestations: `crate::attest`).

use crate::{account, bundle, call_data, psp22::Psp22, AccountId, BundleProvider, Called, Runtime};
use bonding::{Holdings, Slash, Stake};
use dynamis_shared::{Action, BondingError, FaultClass, ReputationError, Role, SlashClass};
use reputation::History;
use scale::{Decode, Encode};

/// Selectors of the reputation registry and the bonding contract.
pub mod selector {
    pub use dynamis_deploy::calls::{bonding::*, reputation::*};
}

/// Who is who in a deployed suite.
pub mod who {
    use crate::{account, AccountId};
    /// Instantiates everything: the wiring admin of every contract.
    pub fn admin() -> AccountId {
        account(1)
    }
    /// Holds the genesis supply.
    pub fn genesis() -> AccountId {
        account(2)
    }
    /// Tunes reputation parameters (in a suite without the governance contract).
    pub fn governance() -> AccountId {
        account(3)
    }
    /// The governance contract's council (cancels spam proposals).
    pub fn council() -> AccountId {
        account(7)
    }
    /// Decides slash disputes.
    pub fn resolver() -> AccountId {
        account(4)
    }
    /// The authorised slash reporter (until attestations takes that role).
    pub fn reporter() -> AccountId {
        account(5)
    }
    /// A plain account registered as a reputation writer, standing in for the settlement
    /// contract that will record successes.
    pub fn writer() -> AccountId {
        account(6)
    }
    /// The i-th ordinary user.
    pub fn user(i: u8) -> AccountId {
        account(100u8.saturating_add(i))
    }
}

pub type BondResult = Result<(), BondingError>;
pub type RepResult<T> = Result<T, ReputationError>;

/// The deployed suite.
pub struct Suite {
    pub chain: Runtime,
    pub token: Psp22,
    pub reputation: AccountId,
    pub bonding: AccountId,
    pub attestations: AccountId,
    pub mint_credits: AccountId,
    /// Power/Flux (burning per use), told each co-signer's work by attestations.
    pub power_flux: AccountId,
    /// The governance contract, in a suite it governs ([`Suite::governed`]); otherwise the
    /// account [`who::governance`] holds the governance role.
    pub governance: Option<AccountId>,
}

pub(crate) fn ok<R>(result: Result<R, crate::CallError>, what: &str) -> R {
    result.unwrap_or_else(|e| panic!("{what}: the call itself failed: {e:?}"))
}

/// Fails the test unless the call succeeded without reverting.
pub fn done<T: std::fmt::Debug, E: std::fmt::Debug>(called: Called<Result<T, E>>) -> Called<T> {
    match called.value {
        Ok(value) => {
            assert!(!called.reverted, "an Ok call reverted");
            Called {
                value,
                reverted: false,
                gas: called.gas,
                events: called.events,
            }
        }
        Err(e) => panic!("call refused: {e:?}"),
    }
}

impl Default for Suite {
    fn default() -> Self {
        Self::new()
    }
}

impl Suite {
    /// DYN (minter locked to mint_credits), reputation, bonding, attestations and mint_credits
    /// with defaults, wired as the deployment wires them: bonding, attestations and
    /// [`who::writer`] reputation writers; attestations, mint_credits and [`who::reporter`]
    /// slash reporters; both wirings locked.
    pub fn new() -> Self {
        Self::wired(Self::unwired())
    }

    /// [`Self::new`] with mint_credits instantiated with `params` (small ceilings, say).
    pub fn with_mint_params(params: mint_credits::Params) -> Self {
        Self::wired(Self::deployed(Some(params), false))
    }

    /// [`Self::governed`] before governance is wired to the suite.
    pub fn governed_unwired() -> Self {
        Self::wired(Self::deployed(None, true))
    }

    /// [`Self::governed`] with `founders` seeded in reputation before its wiring is locked,
    /// as `dynamis-deploy --founder` does.
    pub fn governed_with_founders(founders: &[AccountId]) -> Self {
        let mut suite = Self::deployed(None, true);
        for founder in founders {
            done(suite.rep_call::<RepResult<()>>(who::admin(), selector::SEED_FOUNDER, *founder));
        }
        Self::wire_governance(Self::wired(suite))
    }

    /// [`Self::new`] governed by the governance contract: instantiated first (council
    /// [`who::council`], default rules), holding the governance role of reputation, bonding,
    /// attestations and mint_credits, and wired to the suite last, as the deployment does it.
    pub fn governed() -> Self {
        Self::wire_governance(Self::governed_unwired())
    }

    fn wire_governance(mut suite: Self) -> Self {
        let targets = governance::Targets {
            token: suite.token.address,
            reputation: suite.reputation,
            bonding: suite.bonding,
            mint_credits: suite.mint_credits,
            attestations: suite.attestations,
            power_flux: suite.power_flux,
        };
        let gov = suite.governance.unwrap_or_else(|| panic!("governed"));
        let wired = ok(
            suite.chain.call::<Result<(), governance::GovernanceError>>(
                gov,
                who::admin(),
                call_data(dynamis_deploy::calls::governance::WIRE, targets),
            ),
            "governance.wire",
        );
        done(wired);
        suite
    }

    fn wired(mut suite: Self) -> Self {
        let (bnd, att, admin) = (suite.bonding, suite.attestations, who::admin());
        for writer in [bnd, att, who::writer()] {
            done(suite.rep_call::<RepResult<()>>(admin, selector::ADD_WRITER, writer));
        }
        done(suite.rep_call::<RepResult<()>>(admin, selector::LOCK_WIRING, ()));
        for reporter in [att, suite.mint_credits, who::reporter()] {
            done(suite.bond_call::<BondResult>(admin, selector::ADD_REPORTER, reporter));
        }
        done(suite.bond_call::<BondResult>(admin, selector::LOCK_WIRING, ()));
        // Power/Flux hears of co-signers' work from attestations alone.
        let pf = suite.power_flux;
        let flux = dynamis_deploy::calls::power_flux::ADD_REPORTER;
        let lock = dynamis_deploy::calls::power_flux::LOCK_WIRING;
        for data in [call_data(flux, att), call_data(lock, ())] {
            let call = suite.chain.call::<Result<(), dynamis_shared::PowerFluxError>>(pf, admin, data);
            done(ok(call, "power_flux wiring"));
        }
        suite
    }

    /// Everything deployed, nothing wired yet but DYN's minter, locked to mint_credits.
    pub fn unwired() -> Self {
        Self::deployed(None, false)
    }

    fn deployed(mint_params: Option<mint_credits::Params>, governed: bool) -> Self {
        let mut chain = Runtime::new();
        let admin = who::admin();
        let governance = governed.then(|| {
            Self::deploy(
                &mut chain,
                BundleProvider::Governance,
                call_data(selector::WITH_DEFAULTS, who::council()),
            )
        });
        let governor = governance.unwrap_or_else(who::governance);
        let token_wasm = bundle(BundleProvider::DynToken).wasm;
        let token = Psp22::deploy_dyn(&mut chain, &token_wasm, admin, who::genesis()).value;
        let reputation = Self::deploy(
            &mut chain,
            BundleProvider::Reputation,
            call_data(selector::WITH_DEFAULTS, governor),
        );
        let bonding = Self::deploy(
            &mut chain,
            BundleProvider::Bonding,
            call_data(
                selector::WITH_DEFAULTS,
                (token.address, reputation, governor, who::resolver()),
            ),
        );
        let power_flux = Self::deploy(
            &mut chain,
            BundleProvider::PowerFlux,
            call_data(
                selector::WITH_DEFAULTS,
                (reputation, governor, power_flux::BurnMode::PerUse),
            ),
        );
        let attestations = Self::deploy(
            &mut chain,
            BundleProvider::Attestations,
            call_data(
                selector::WITH_DEFAULTS,
                (
                    token.address,
                    bonding,
                    reputation,
                    Some(power_flux),
                    governor,
                    who::resolver(),
                ),
            ),
        );
        let links = (
            token.address,
            attestations,
            reputation,
            bonding,
            governor,
            who::resolver(),
        );
        let constructor = match mint_params {
            None => call_data(selector::WITH_DEFAULTS, links),
            Some(p) => call_data(
                dynamis_deploy::calls::common::NEW,
                (links, p, mint_credits::DEFAULT_TUNABLES),
            ),
        };
        let mint_credits = Self::deploy(&mut chain, BundleProvider::MintCredits, constructor);
        let minter = Some(mint_credits);
        assert_eq!(token.lock_minter(&mut chain, admin, minter).value, Ok(()));
        Self {
            chain,
            token,
            reputation,
            bonding,
            attestations,
            mint_credits,
            power_flux,
            governance,
        }
    }

    fn deploy(chain: &mut Runtime, contract: BundleProvider, data: Vec<u8>) -> AccountId {
        let wasm = bundle(contract).wasm;
        let called = ok(chain.deploy(&wasm, who::admin(), data, vec![]), "deploy");
        called.value
    }

    pub fn rep_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let address = self.reputation;
        ok(
            self.chain.call(address, caller, call_data(selector, args)),
            "reputation",
        )
    }

    pub fn bond_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let address = self.bonding;
        ok(
            self.chain.call(address, caller, call_data(selector, args)),
            "bonding",
        )
    }

    pub fn rep_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let address = self.reputation;
        ok(
            self.chain.query(address, call_data(selector, args)),
            "reputation query",
        )
    }

    pub fn bond_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let address = self.bonding;
        ok(
            self.chain.query(address, call_data(selector, args)),
            "bonding query",
        )
    }

    /// Gives `to` `amount` DYN from the genesis account.
    pub fn give(&mut self, to: AccountId, amount: u128) {
        let token = self.token;
        assert_eq!(
            token
                .transfer(&mut self.chain, who::genesis(), to, amount)
                .value,
            Ok(())
        );
    }

    /// `who` allows bonding to pull `amount` more DYN.
    pub fn allow(&mut self, owner: AccountId, amount: u128) {
        let (token, bonding) = (self.token, self.bonding);
        assert_eq!(
            token
                .increase_allowance(&mut self.chain, owner, bonding, amount)
                .value,
            Ok(())
        );
    }

    pub fn bond(&mut self, caller: AccountId, role: Role, amount: u128) -> Called<BondResult> {
        self.bond_call(caller, selector::BOND, (role, amount))
    }

    /// Funds, approves and bonds in one go; fails the test if bonding refuses.
    pub fn bond_new(&mut self, caller: AccountId, role: Role, amount: u128) -> Called<()> {
        self.give(caller, amount);
        self.allow(caller, amount);
        done(self.bond(caller, role, amount))
    }

    pub fn unbond(&mut self, caller: AccountId, role: Role, amount: u128) -> Called<BondResult> {
        self.bond_call(caller, selector::UNBOND, (role, amount))
    }

    pub fn withdraw(&mut self, caller: AccountId, role: Role) -> Called<BondResult> {
        self.bond_call(caller, selector::WITHDRAW, role)
    }

    pub fn report(
        &mut self,
        caller: AccountId,
        offender: AccountId,
        role: Role,
        class: SlashClass,
        evidence: [u8; 32],
    ) -> Called<Result<u64, BondingError>> {
        self.bond_call(
            caller,
            selector::REPORT_SLASH,
            (offender, role, class, evidence, caller),
        )
    }

    /// The authorised reporter reports a slash that must be accepted; returns its id.
    pub fn reported(&mut self, offender: AccountId, role: Role, class: SlashClass) -> u64 {
        done(self.report(who::reporter(), offender, role, class, [0; 32])).value
    }

    pub fn dispute(&mut self, caller: AccountId, id: u64) -> Called<BondResult> {
        self.bond_call(caller, selector::DISPUTE_SLASH, id)
    }

    pub fn resolve(&mut self, caller: AccountId, id: u64, upheld: bool) -> Called<BondResult> {
        self.bond_call(caller, selector::RESOLVE_DISPUTE, (id, upheld))
    }

    pub fn expire_dispute(&mut self, caller: AccountId, id: u64) -> Called<BondResult> {
        self.bond_call(caller, selector::EXPIRE_DISPUTE, id)
    }

    pub fn settle(&mut self, caller: AccountId, id: u64) -> Called<BondResult> {
        self.bond_call(caller, selector::SETTLE_SLASH, id)
    }

    pub fn stake(&mut self, account: AccountId, role: Role) -> Stake {
        self.bond_query(selector::STAKE, (account, role))
    }

    pub fn slash(&mut self, id: u64) -> Option<Slash> {
        self.bond_query(selector::SLASH, id)
    }

    pub fn next_slash(&mut self) -> u64 {
        self.bond_query(selector::NEXT_SLASH, ())
    }

    pub fn holdings(&mut self) -> Holdings {
        self.bond_query(selector::HOLDINGS, ())
    }

    pub fn bond_params(&mut self) -> bonding::Params {
        self.bond_query(selector::PARAMS, ())
    }

    pub fn weight(&mut self, account: AccountId) -> u128 {
        self.bond_query(selector::WEIGHT, account)
    }

    pub fn is_bonded(&mut self, account: AccountId, role: Role) -> bool {
        self.bond_query(selector::IS_BONDED, (account, role))
    }

    pub fn score(&mut self, account: AccountId) -> u32 {
        self.rep_query(selector::SCORE, account)
    }

    pub fn authority(&mut self, account: AccountId, action: Action) -> bool {
        self.rep_query(selector::AUTHORITY, (account, action))
    }

    pub fn history(&mut self, account: AccountId) -> Option<History> {
        self.rep_query(selector::HISTORY, account)
    }

    pub fn rep_params(&mut self) -> reputation::Params {
        self.rep_query(selector::PARAMS, ())
    }

    pub fn record_success(
        &mut self,
        caller: AccountId,
        account: AccountId,
        gain: u32,
    ) -> Called<RepResult<u32>> {
        self.rep_call(caller, selector::RECORD_SUCCESS, (account, gain))
    }

    pub fn record_fault(
        &mut self,
        caller: AccountId,
        account: AccountId,
        class: FaultClass,
    ) -> Called<RepResult<u32>> {
        self.rep_call(caller, selector::RECORD_FAULT, (account, class))
    }

    /// DYN held by the bonding contract.
    pub fn bonding_balance(&mut self) -> u128 {
        let (token, bonding) = (self.token, self.bonding);
        token.balance_of(&mut self.chain, bonding)
    }

    pub fn supply(&mut self) -> u128 {
        let token = self.token;
        token.total_supply(&mut self.chain)
    }

    pub fn balance(&mut self, owner: AccountId) -> u128 {
        let token = self.token;
        token.balance_of(&mut self.chain, owner)
    }
}

/// Every account that takes part in a suite's tests, for "everyone else is refused" checks.
pub fn everyone(suite: &Suite) -> Vec<AccountId> {
    let mut all = vec![
        who::admin(),
        who::genesis(),
        who::governance(),
        who::resolver(),
        who::reporter(),
        who::writer(),
        who::council(),
        suite.token.address,
        suite.reputation,
        suite.bonding,
        suite.attestations,
        suite.mint_credits,
        account(0),
    ];
    all.extend(suite.governance);
    all.extend((0..4).map(who::user));
    all
}
