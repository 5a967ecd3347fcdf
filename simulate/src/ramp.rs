//! The capacity ramp: mint_credits' own rules (`mint_credits::rules::Credits`: the phases, the
//! bound f(Δ, w), the scarcity curves and the ceilings, the locked credits and their tranches)
//! driven over many epochs by a network whose attested capacity grows along a logistic curve.
//! The chain around the rules (the registry's final epochs and shares, bonds, scores) is a
//! [`World`] kept here; everything that decides what is minted is the contract's code.
//!
//! Every epoch, once the one before is final, anyone tries to move the phase on; then each
//! verifier proposes what the rules allow it (signals B–D from phase 2, citing its own final
//! attestations of the last epoch; signal A from phase 3, on its measured capacity), asking
//! for the bound the rules state; proposals activate after their delay into locked credits,
//! and credits release a tranche for every final epoch whose obligation was met.

use ink::primitives::AccountId;
use dynamis_proofs::Regime;
use dynamis_shared::{Action, Attested, Role};
use mint_credits::{
    rules::{Credits, Effect, MintError, Phase, Signal, World},
    DAY, DEFAULT_PARAMS, DEFAULT_TUNABLES, ONE_DYN,
};
use std::{cell::RefCell, collections::HashMap, fmt::Write as _};

/// DYN at genesis.
pub const GENESIS: u128 = 1_000_000_000 * ONE_DYN;

/// The ramp's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ramp {
    pub epochs: u32,
    pub verifiers: u32,
    /// Each verifier's verifier bond (DYN base units): what backs its capacity (10 DYN per
    /// unit by default).
    pub bond: u128,
    /// Network capacity per epoch at the top of the curve, and where and how fast it rises.
    pub top: f64,
    pub midpoint: f64,
    pub width: f64,
    /// Share of the capacity in each regime (ephemeral, session, anchored, permanent).
    pub split: [f64; 4],
    /// Every verifier's reputation score (millionths).
    pub score: u32,
}

impl Ramp {
    /// The default ramp: 20 verifiers bonding 20 M DYN each (40 % of genesis), whose network
    /// grows along a logistic curve from nothing to 4 M capacity units per epoch (half of it at
    /// 40 % of the run, from 1 % to 99 % of it in under a quarter of the run).
    pub fn default_for(epochs: u32) -> Self {
        Self {
            epochs,
            verifiers: 20,
            bond: 20_000_000 * ONE_DYN,
            top: 4_000_000.0,
            midpoint: f64::from(epochs) * 0.4,
            width: f64::from(epochs) / 40.0,
            split: [0.55, 0.25, 0.12, 0.08],
            score: 500_000,
        }
    }

    /// Network capacity in `epoch`, in units.
    pub fn capacity(&self, epoch: u32) -> u128 {
        let x = (f64::from(epoch) - self.midpoint) / self.width;
        (self.top / (1.0 + (-x).exp())) as u128
    }
}

/// One epoch of the ramp, as recorded after its calls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RampRow {
    pub epoch: u32,
    pub phase: u8,
    pub network_capacity: f64,
    /// DYN minted per regime so far (into credits, locked or released), in DYN.
    pub minted: [f64; 4],
    /// The same as a share of each regime's ceiling, in percent.
    pub of_ceiling: [f64; 4],
    /// DYN in existence (genesis + minted − burned) and still locked in credits, in DYN.
    pub supply: f64,
    pub locked: f64,
}

fn verifier(n: u32) -> AccountId {
    let mut raw = [5u8; 32];
    raw[..4].copy_from_slice(&n.to_le_bytes());
    AccountId::from(raw)
}

/// The chain as the rules read it.
struct Chain {
    epoch: u32,
    /// Per (verifier, epoch, regime index): its credited capacity.
    shares: HashMap<(AccountId, u32, u8), u128>,
    network: HashMap<u32, u128>,
    /// Attestations by id: epoch, regime, one signer, capacity.
    attestations: Vec<(u32, u8, AccountId, u64)>,
    /// The id of each (epoch, regime index, signer)'s attestation.
    ids: HashMap<(u32, u8, AccountId), u64>,
    bonds: HashMap<AccountId, u128>,
    score: u32,
}

impl World for Chain {
    fn epoch(&self) -> Result<u32, MintError> {
        Ok(self.epoch)
    }
    fn newest_closed(&self) -> Result<Option<u32>, MintError> {
        Ok(self.epoch.checked_sub(1))
    }
    fn capacity(
        &self,
        account: AccountId,
        epoch: u32,
        regime: Regime,
    ) -> Result<Option<u128>, MintError> {
        let key = (account, epoch, regime.index());
        Ok((epoch < self.epoch).then(|| self.shares.get(&key).copied().unwrap_or(0)))
    }
    fn epoch_capacity(&self, epoch: u32) -> Result<Option<u128>, MintError> {
        Ok((epoch < self.epoch).then(|| self.network.get(&epoch).copied().unwrap_or(0)))
    }
    fn attested(&self, id: u64) -> Result<Option<Attested>, MintError> {
        let found = usize::try_from(id).ok().and_then(|i| self.attestations.get(i));
        Ok(found.map(|&(epoch, regime, signer, capacity)| Attested {
            epoch,
            capacity,
            regime,
            signers: vec![signer],
            is_final: epoch < self.epoch,
        }))
    }
    fn score(&self, _: AccountId) -> Result<u32, MintError> {
        Ok(self.score)
    }
    fn authority(&self, _: AccountId, _: Action) -> Result<bool, MintError> {
        Ok(true)
    }
    fn stake(&self, account: AccountId, role: Role) -> Result<Option<u128>, MintError> {
        // Every verifier also keeps an archival bond (anchored and permanent credits need one).
        Ok(match role {
            Role::Verifier | Role::Archival => self.bonds.get(&account).copied(),
            _ => None,
        })
    }
}

/// The signals a verifier proposes in `phase`, each with the regime it reads.
fn signals(phase: Phase) -> &'static [Signal] {
    match phase {
        Phase::Fixed | Phase::Observed => &[],
        Phase::Conditional => &[
            Signal::TemporalExpansion,
            Signal::DomainOnboarding,
            Signal::PermanentLiability,
        ],
        Phase::Measured => &[
            Signal::CapacityExpansion,
            Signal::TemporalExpansion,
            Signal::DomainOnboarding,
            Signal::PermanentLiability,
        ],
    }
}

/// Runs the ramp; `tick` is called once per epoch.
pub fn run(ramp: &Ramp, tick: &dyn Fn()) -> anyhow::Result<Vec<RampRow>> {
    let mut out = None;
    ink::env::test::run_test::<ink::env::DefaultEnvironment, _>(|_| {
        ink::env::test::set_callee::<ink::env::DefaultEnvironment>(AccountId::from([0xcd; 32]));
        out = Some(run_fresh(ramp, tick));
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("the off-chain environment: {e:?}"))?;
    out.unwrap_or_else(|| Err(anyhow::anyhow!("the run did not start")))
}

fn run_fresh(ramp: &Ramp, tick: &dyn Fn()) -> anyhow::Result<Vec<RampRow>> {
    let governance = AccountId::from([0xee; 32]);
    let mut credits = Credits::new(DEFAULT_PARAMS, DEFAULT_TUNABLES, governance, governance)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let verifiers: Vec<AccountId> = (0..ramp.verifiers).map(verifier).collect();
    let chain = RefCell::new(Chain {
        epoch: 0,
        shares: HashMap::new(),
        network: HashMap::new(),
        attestations: Vec::new(),
        ids: HashMap::new(),
        bonds: verifiers.iter().map(|v| (*v, ramp.bond)).collect(),
        score: ramp.score,
    });
    let (mut minted, mut burned) = (0u128, 0u128);
    let mut announced: Vec<u64> = Vec::new();
    let mut open: Vec<u64> = Vec::new();
    let mut rows = Vec::new();
    let each = u128::from(ramp.verifiers.max(1));
    for epoch in 0..ramp.epochs {
        let now = epoch.saturating_mul(DAY).saturating_add(1);
        {
            // The epoch's attested capacity, shared evenly (final once the epoch has passed).
            let mut c = chain.borrow_mut();
            c.epoch = epoch;
            let network = ramp.capacity(epoch);
            c.network.insert(epoch, network);
            for (r, share) in ramp.split.iter().enumerate() {
                let per = (network as f64 * share) as u128 / each;
                let regime = u8::try_from(r).unwrap_or(0);
                for v in &verifiers {
                    c.shares.insert((*v, epoch, regime), per);
                    if r > 0 && per > 0 {
                        let units = u64::try_from(per).unwrap_or(u64::MAX);
                        let id = c.attestations.len() as u64;
                        c.attestations.push((epoch, regime, *v, units));
                        c.ids.insert((epoch, regime, *v), id);
                    }
                }
            }
        }
        let c = chain.borrow();
        let world: &dyn World = &*c;
        if epoch > 0 {
            // Leaving phase 0 names the verifiers credited (at most MAX_EVIDENCE of them).
            let cap = usize::try_from(mint_credits::MAX_EVIDENCE).unwrap_or(0);
            let named = verifiers.len().min(cap);
            let _ = credits.advance_phase(world, epoch - 1, &verifiers[..named]);
        }
        let (phase, _) = credits.phase();
        // A verifier proposes in a regime only while it has nothing announced or locked there:
        // every credit's obligations add up (80 % of its level in each of its tranche epochs),
        // and one credit at a time is what its capacity can carry.
        let busy: Vec<(AccountId, u8)> = announced
            .iter()
            .filter_map(|id| credits.proposal(*id))
            .map(|p| (p.beneficiary, p.signal.regime().index()))
            .chain(
                open.iter()
                    .filter_map(|id| credits.credit(*id))
                    .map(|c| (c.beneficiary, c.regime)),
            )
            .collect();
        for v in &verifiers {
            for signal in signals(phase) {
                let regime = signal.regime().index();
                if busy.contains(&(*v, regime)) {
                    continue;
                }
                let cited: Vec<u64> = if signal.is_measured() || epoch == 0 {
                    Vec::new()
                } else {
                    c.ids.get(&(epoch - 1, regime, *v)).copied().into_iter().collect()
                };
                if !signal.is_measured() && cited.is_empty() {
                    continue;
                }
                // Ask for everything: the refusal names the bound, which is then asked for.
                let first =
                    credits.propose(world, *v, *signal, *v, u128::MAX, &cited, [0; 32], now);
                let bound = match first {
                    Err(MintError::AboveBound { bound }) if bound > 0 => bound,
                    _ => continue,
                };
                if let Ok((id, _)) =
                    credits.propose(world, *v, *signal, *v, bound, &cited, [0; 32], now)
                {
                    announced.push(id);
                }
            }
        }
        let mut waiting = Vec::new();
        for id in announced.drain(..) {
            match credits.activate(world, id, now) {
                Ok((_, effects)) => {
                    minted += effects_sum(&effects, true);
                    open.push(id);
                }
                Err(MintError::DelayRunning) => waiting.push(id),
                Err(_) => {}
            }
        }
        announced = waiting;
        // Anyone releases what was earned, and burns what an unmet obligation forfeits.
        open.retain(|id| {
            let _ = credits.release(world, *id);
            if let Ok((_, effects)) = credits.burn_on_drop(world, *id) {
                burned += effects_sum(&effects, false);
            }
            credits.credit(*id).is_some_and(|credit| !credit.is_closed())
        });
        let totals = credits.totals();
        let dyn_ = |v: u128| v as f64 / ONE_DYN as f64;
        let mut of_ceiling = [0.0; 4];
        for (r, share) in of_ceiling.iter_mut().enumerate() {
            *share = 100.0 * dyn_(totals.minted[r]) / dyn_(DEFAULT_PARAMS.ceilings[r]);
        }
        rows.push(RampRow {
            epoch,
            phase: phase.number(),
            network_capacity: ramp.capacity(epoch) as f64,
            minted: totals.minted.map(dyn_),
            of_ceiling,
            supply: dyn_(GENESIS + minted - burned),
            locked: dyn_(totals.locked),
        });
        drop(c);
        tick();
    }
    Ok(rows)
}

/// DYN minted (`mints`) or burned by `effects`.
fn effects_sum(effects: &[Effect], mints: bool) -> u128 {
    effects
        .iter()
        .map(|e| match (e, mints) {
            (Effect::Mint(a), true) | (Effect::Burn(a), false) => *a,
            _ => 0,
        })
        .sum()
}

/// Every series of the ramp as CSV, one row per epoch.
pub fn csv(rows: &[RampRow]) -> String {
    let mut out = String::from(
        "epoch,phase,network_capacity,minted_ephemeral,minted_session,minted_anchored,minted_permanent,\
         pct_ceiling_ephemeral,pct_ceiling_session,pct_ceiling_anchored,pct_ceiling_permanent,supply_dyn,locked_dyn\n",
    );
    for r in rows {
        let _ = write!(out, "{},{},{}", r.epoch, r.phase, r.network_capacity);
        for m in r.minted.iter().chain(r.of_ceiling.iter()) {
            let _ = write!(out, ",{m}");
        }
        let _ = writeln!(out, ",{},{}", r.supply, r.locked);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short ramp on mint_credits' rules: the phases come in order (phase 2 once the network
    /// passed 500 units for a week, phase 3 once it passed 1,000), nothing is minted before
    /// phase 2, no regime ever passes its ceiling, and the supply is genesis plus what was
    /// minted, never less than genesis.
    #[test]
    fn a_capacity_ramp_opens_phases_2_and_3_and_never_passes_a_ceiling() {
        let ramp = Ramp::default_for(80);
        let rows = run(&ramp, &|| {}).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rows.len(), 80);
        let first = |phase: u8| rows.iter().position(|r| r.phase >= phase);
        let (two, three) = (first(2).expect("phase 2"), first(3).expect("phase 3"));
        assert!(two < three, "{two} {three}");
        for w in rows.windows(2) {
            assert!(w[1].phase >= w[0].phase);
        }
        for r in &rows {
            let minted: f64 = r.minted.iter().sum();
            if usize::try_from(r.epoch).unwrap_or(0) < two {
                assert_eq!(minted, 0.0, "{r:?}");
            }
            for share in r.of_ceiling {
                assert!((0.0..=100.0).contains(&share), "{r:?}");
            }
            assert!(r.supply >= 1e9 && r.supply <= 1e9 + minted + 1.0, "{r:?}");
        }
        let last = rows[79];
        assert!(last.minted.iter().all(|m| *m > 0.0), "{last:?}");
        assert_eq!(csv(&rows).lines().count(), 81);
    }
}
