//! The demo's governance round: one parameter proposal from lock to execution.

use super::*;

/// What the demo's governance round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovernanceRound {
    pub proposal: u32,
    pub state: Option<governance::State>,
    /// attestations' `success_gain` and reputation's `max_gain_per_success`, before and after.
    pub before: (u32, u32),
    pub after: (u32, u32),
}

/// The new value the round proposes for both gains.
pub const PROPOSED_GAIN: u32 = 6_000;

/// A parameter proposal end to end on the sandbox, through the same calls as
/// `dynamis-deploy dao …`: the genesis holder bonds 100 DYN and locks 4 M DYN (2,000 √DYN:
/// the parameter class's quorum), the clock moves a week (the voting gate's bond age);
/// verifier 1 (the founder) proposes raising the reputation a final attestation earns its
/// co-signers from 5,000 to 6,000 (attestations' gain and reputation's per-success cap: one
/// proposal, two actions); everyone votes for; it is queued after 3 days of voting and
/// executed after the 1-day timelock.
pub(super) async fn governance_round(opts: &Options) -> anyhow::Result<GovernanceRound> {
    use dynamis_deploy::{
        client::{self, Call, Target},
        dao::{self, Dao},
    };
    let target = |suri: &str| Target {
        manifest: opts.dir.join("deployment.json"),
        url: None,
        suri: Some(suri.to_string()),
    };
    let gains = |manifest: &Manifest| -> anyhow::Result<(Contracts, [u8; 32], [u8; 32])> {
        let url = manifest.chain.url.clone().context("manifest without URL")?;
        let me = signer(GENESIS_SURI).map_err(anyhow::Error::msg)?;
        let chain = Contracts::new(manifest, &url, me)?;
        Ok((
            chain,
            manifest.address("attestations")?,
            manifest.address("reputation")?,
        ))
    };
    let manifest = Manifest::load(&opts.dir.join("deployment.json"))?;
    let (chain, att, rep) = gains(&manifest)?;
    let read = || async {
        let a: attestations::Params = chain.query(att, calls::attestations::PARAMS, ()).await?;
        let r: reputation::Params = chain.query(rep, calls::reputation::PARAMS, ()).await?;
        anyhow::Ok((a.success_gain, r.max_gain_per_success))
    };
    let before = read().await?;
    println!();
    println!("governance: a parameter proposal end to end, with dynamis-deploy dao's calls…");
    let wait = |days: u64, hours: u64| Dao::Wait {
        days,
        hours,
        target: target(GENESIS_SURI),
    };
    let dao_call = |call: Dao| async move {
        dao::run(call).await?;
        anyhow::Ok(())
    };
    client::run(Call::Bond {
        role: "sentry".into(),
        amount: 100,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(Dao::Lock {
        amount: 4_000_000,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(wait(7, 1)).await?;
    let founder = verifier_suri(1);
    let next: u32 = chain
        .query(
            manifest.address("governance")?,
            calls::governance::NEXT_ID,
            (),
        )
        .await?;
    dao_call(Dao::Propose {
        set: vec![
            format!("attestations.success_gain={PROPOSED_GAIN}"),
            format!("reputation.max_gain_per_success={PROPOSED_GAIN}"),
        ],
        pay: None,
        amount: 0,
        council: None,
        upgrade: None,
        resolver: None,
        text: "Co-signers of a final attestation earn 6,000 reputation, not 5,000".into(),
        target: target(&founder),
    })
    .await?;
    dao_call(wait(1, 1)).await?;
    let mut voters = vec![GENESIS_SURI.to_string()];
    voters.extend((1..=opts.verifiers).map(verifier_suri));
    for voter in &voters {
        dao_call(Dao::Vote {
            id: next,
            support: "for".into(),
            target: target(voter),
        })
        .await?;
    }
    dao_call(wait(3, 1)).await?;
    dao_call(Dao::Queue {
        id: next,
        target: target(GENESIS_SURI),
    })
    .await?;
    dao_call(wait(1, 1)).await?;
    dao_call(Dao::Execute {
        id: next,
        target: target(GENESIS_SURI),
    })
    .await?;
    let state: Option<governance::State> = chain
        .query(
            manifest.address("governance")?,
            calls::governance::STATE,
            next,
        )
        .await?;
    let after = read().await?;
    println!(
        "governance    proposal {next} {state:?}: attestations.success_gain {} → {}, reputation.max_gain_per_success {} → {}",
        before.0, after.0, before.1, after.1
    );
    Ok(GovernanceRound {
        proposal: next,
        state,
        before,
        after,
    })
}
