//! Power/Flux deployed beside the suite (its reputation registry), with typed calls.

use crate::{
    bundle, call_data,
    suite::{done, who, Suite},
    AccountId, BundleProvider, Called,
};
use dynamis_deploy::calls::{power_flux as sel, token};
use power_flux::{Activity, BurnMode, PowerFluxError, Quality};
use scale::{Decode, Encode};

pub type PfResult = Result<(), PowerFluxError>;
pub type Closed = Result<power_flux::EpochRecord, PowerFluxError>;

/// A full epoch's activity: every input at its cap.
pub const FULL: Activity = Activity {
    uptime_ppb: 1_000_000_000,
    resources: [1_000_000; 3],
    interactions: 1_000,
};

/// Perfect performance and validity.
pub const GOOD: Quality = Quality {
    performance_ppb: 1_000_000_000,
    validity_ppb: 1_000_000_000,
};

/// The `n`-th of many distinct IDs.
pub fn id(n: u32) -> AccountId {
    let mut raw = [7u8; 32];
    raw[..4].copy_from_slice(&n.to_le_bytes());
    AccountId::from(raw)
}

pub struct Pf {
    pub s: Suite,
    pub at: AccountId,
}

impl Pf {
    /// The suite with Power/Flux (defaults, burning in `mode`, tuned by [`who::governance`])
    /// reading its reputation, and [`who::reporter`] wired as its one reporter, locked.
    pub fn new(mode: BurnMode) -> Self {
        let mut s = Suite::new();
        let wasm = bundle(BundleProvider::PowerFlux).wasm;
        let data = call_data(sel::WITH_DEFAULTS, (s.reputation, who::governance(), mode));
        let at = s
            .chain
            .deploy(&wasm, who::admin(), data, vec![1])
            .unwrap_or_else(|e| panic!("{e:?}"))
            .value;
        let mut pf = Self { s, at };
        done(pf.call::<PfResult>(who::admin(), sel::ADD_REPORTER, who::reporter()));
        done(pf.call::<PfResult>(who::admin(), sel::LOCK_WIRING, ()));
        pf
    }

    pub fn call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        self.s
            .chain
            .call(self.at, caller, call_data(selector, args))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    pub fn query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        self.s
            .chain
            .query(self.at, call_data(selector, args))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    pub fn report(&mut self, caller: AccountId, id: AccountId, a: Activity) -> Called<PfResult> {
        self.call(caller, sel::REPORT, (id, a, GOOD))
    }

    pub fn close(&mut self, caller: AccountId) -> Called<Closed> {
        self.call(caller, sel::CLOSE_EPOCH, ())
    }

    pub fn balance(&mut self, id: AccountId) -> u128 {
        self.query(token::BALANCE_OF, id)
    }
}

/// The suite's own Power/Flux (the one attestations reports to).
impl Suite {
    pub fn flux_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let at = self.power_flux;
        self.chain
            .query(at, call_data(selector, args))
            .unwrap_or_else(|e| panic!("power_flux query: {e:?}"))
    }

    pub fn flux_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let at = self.power_flux;
        self.chain
            .call(at, caller, call_data(selector, args))
            .unwrap_or_else(|e| panic!("power_flux: {e:?}"))
    }

    pub fn flux_tunables(&mut self) -> power_flux::Tunables {
        self.flux_query(sel::TUNABLES, ())
    }

    pub fn flux_meter(&mut self, id: AccountId) -> power_flux::Meter {
        self.flux_query(sel::METER, id)
    }

    pub fn flux_balance(&mut self, id: AccountId) -> u128 {
        self.flux_query(token::BALANCE_OF, id)
    }

    pub fn flux_epoch(&mut self) -> u32 {
        self.flux_query(sel::EPOCH, ())
    }

    pub fn close_flux_epoch(&mut self, caller: AccountId) -> Called<Closed> {
        self.flux_call(caller, sel::CLOSE_EPOCH, ())
    }
}
