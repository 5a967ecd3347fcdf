//! `dynamis-deploy dao …`: a DAO member's tools against a deployment's governance contract —
//! lock DYN for voting, propose (parameter changes named `contract.field=value`, a treasury
//! payment, a new council or resolver, an upgrade of governance's code), vote, queue, execute, cancel,
//! settle the deposit, and show a proposal's state and tally. On the sandbox, `dao wait` moves
//! the chain's clock (6 s per block) through voting periods and timelocks.

use crate::{
    calls::{self, governance as sel},
    client::{tokens, Ctx, Target},
    gateway::BLOCK_MS,
    hex,
    link::Link,
};
use anyhow::{bail, Context};
use dynamis_shared::{PSP22Error, ONE_DYN};
use governance::{Action, Config, GovernanceError, Proposal, State, Support};

#[derive(clap::Subcommand, Debug, Clone)]
pub enum Dao {
    /// Locks DYN in governance for voting (approving it first). Power counts from the next
    /// proposal made after the lock's block.
    Lock {
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Takes locked DYN back.
    Unlock {
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Proposes actions (approving the deposit first); prints the proposal's id.
    Propose {
        /// A parameter change, `contract.field=value`: reputation.<field>,
        /// mint_credits.<field>, bonding.<field> (bonding.min_bond.<role> for a bond floor),
        /// attestations.<field>, governance.<field> or governance.<class>.<rule> (class:
        /// parameter, treasury, council, upgrade). Repeatable; all changes to one contract
        /// form one action.
        #[arg(long = "set")]
        set: Vec<String>,
        /// Pay `--dyn` DYN of the treasury to this account (hex).
        #[arg(long)]
        pay: Option<String>,
        #[arg(long = "dyn", default_value_t = 0)]
        amount: u64,
        /// A new council (hex account).
        #[arg(long)]
        council: Option<String>,
        /// Replace governance's code by the code with this hash (hex).
        #[arg(long)]
        upgrade: Option<String>,
        /// A new resolver of bonding's disputes and attestations' contests (hex account).
        #[arg(long)]
        resolver: Option<String>,
        /// The proposal's text; its BLAKE2-256 is recorded on chain.
        #[arg(long, default_value = "")]
        text: String,
        #[command(flatten)]
        target: Target,
    },
    /// Votes on a proposal: for, against or abstain.
    Vote {
        id: u32,
        support: String,
        #[command(flatten)]
        target: Target,
    },
    /// Queues a succeeded proposal (anyone).
    Queue {
        id: u32,
        #[command(flatten)]
        target: Target,
    },
    /// Executes a queued proposal after its timelock (anyone).
    Execute {
        id: u32,
        #[command(flatten)]
        target: Target,
    },
    /// Cancels a proposal (its proposer while pending; the council as spam).
    Cancel {
        id: u32,
        #[command(flatten)]
        target: Target,
    },
    /// Settles a finished proposal's deposit (anyone).
    Settle {
        id: u32,
        #[command(flatten)]
        target: Target,
    },
    /// A proposal's state, tally, times and actions; with `--voter`, that account's vote and
    /// power.
    Show {
        id: u32,
        #[arg(long)]
        voter: Option<String>,
        #[command(flatten)]
        target: Target,
    },
    /// Sandbox only: moves the chain's clock ahead (whole blocks of 6 s).
    Wait {
        #[arg(long, default_value_t = 0)]
        days: u64,
        #[arg(long, default_value_t = 0)]
        hours: u64,
        #[command(flatten)]
        target: Target,
    },
}

fn support(text: &str) -> anyhow::Result<Support> {
    Ok(match text {
        "for" | "yes" => Support::For,
        "against" | "no" => Support::Against,
        "abstain" => Support::Abstain,
        other => bail!("support must be for, against or abstain, not {other:?}"),
    })
}

/// Sets the named scalar field of a parameter set; false if there is no such field.
macro_rules! set_field {
    ($value:expr, $name:expr, $raw:expr, [$($field:ident),*]) => {{
        match $name {
            $(stringify!($field) => {
                $value.$field = $raw
                    .parse()
                    .with_context(|| format!("{}: not a number: {}", $name, $raw))?;
                true
            })*
            _ => false,
        }
    }};
}

fn reputation_field(p: &mut reputation::Params, name: &str, raw: &str) -> anyhow::Result<()> {
    let known = set_field!(
        p,
        name,
        raw,
        [
            max_gain_per_success,
            max_gain_per_epoch,
            epoch_blocks,
            half_life_blocks,
            floor,
            retain_after_sla_ppb,
            retain_after_attestation_failure_ppb,
            fault_cooldown_blocks
        ]
    );
    if !known {
        bail!("reputation has no tunable field {name:?}");
    }
    Ok(())
}

fn mint_field(t: &mut mint_credits::Tunables, name: &str, raw: &str) -> anyhow::Result<()> {
    let known = set_field!(
        t,
        name,
        raw,
        [
            delay_blocks,
            sustain_epochs,
            tranches,
            alpha_ppb,
            phase2_factor_ppb,
            challenge_deposit
        ]
    );
    if !known {
        bail!("mint_credits has no tunable field {name:?}");
    }
    Ok(())
}

fn bonding_field(p: &mut bonding::Params, name: &str, raw: &str) -> anyhow::Result<()> {
    if let Some(role) = name.strip_prefix("min_bond.") {
        let index = crate::client::parse_role(role)?.index();
        if let Some(floor) = p.min_bond.get_mut(index) {
            *floor = raw
                .parse()
                .with_context(|| format!("{name}: not a number: {raw}"))?;
        }
        return Ok(());
    }
    let known = set_field!(
        p,
        name,
        raw,
        [
            unbonding_blocks,
            dispute_window_blocks,
            dispute_deposit,
            decide_window_blocks,
            reporter_share_ppb,
            duration_ramp_blocks
        ]
    );
    if !known {
        bail!("bonding has no tunable field {name:?} (min_bond.<role> for a bond floor)");
    }
    Ok(())
}

fn attestations_field(p: &mut attestations::Params, name: &str, raw: &str) -> anyhow::Result<()> {
    let known = set_field!(
        p,
        name,
        raw,
        [
            epoch_blocks,
            challenge_window_blocks,
            answer_window_blocks,
            decide_window_blocks,
            threshold_ppb,
            min_signers,
            max_signers,
            max_epoch_age,
            success_gain,
            request_deposit,
            contest_deposit
        ]
    );
    if !known {
        bail!("attestations has no tunable field {name:?}");
    }
    Ok(())
}

fn power_flux_field(t: &mut power_flux::Tunables, name: &str, raw: &str) -> anyhow::Result<()> {
    let known = set_field!(
        t,
        name,
        raw,
        [
            mu,
            kappa_min,
            kappa_max,
            beta_min_ppb,
            beta_max_ppb,
            kp_ppb,
            ki_ppb,
            leak_ppb,
            deadband_ppb,
            smoothing_ppb
        ]
    );
    if !known {
        bail!("power_flux has no tunable field {name:?}");
    }
    Ok(())
}

fn governance_field(c: &mut Config, name: &str, raw: &str) -> anyhow::Result<()> {
    if let Some((class, rule)) = name.split_once('.') {
        let index = match class {
            "parameter" => 0,
            "treasury" => 1,
            "council" => 2,
            "upgrade" => 3,
            other => bail!("no class {other:?} (parameter, treasury, council, upgrade)"),
        };
        let rules = &mut c.classes[index];
        let known = set_field!(
            rules,
            rule,
            raw,
            [threshold_ppb, quorum, voting_ms, timelock_ms, grace_ms]
        );
        if !known {
            bail!("a class has no rule {rule:?}");
        }
        return Ok(());
    }
    let known = set_field!(
        c,
        name,
        raw,
        [
            voting_delay_ms,
            proposal_deposit,
            min_support_ppb,
            vote_bond_floor,
            vote_bond_age_blocks,
            treasury_per_proposal,
            treasury_per_epoch,
            treasury_epoch_ms
        ]
    );
    if !known {
        bail!("governance has no field {name:?}");
    }
    Ok(())
}

/// What a proposal asks for, as given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub set: Vec<String>,
    pub pay: Option<(String, u64)>,
    pub council: Option<String>,
    pub upgrade: Option<String>,
    pub resolver: Option<String>,
}

/// The actions `--set`, `--pay`, `--council`, `--upgrade` and `--resolver` ask for, starting
/// each parameter set from its value on chain now.
async fn actions_of(ctx: &Ctx, asked: &Asked) -> anyhow::Result<Vec<Action>> {
    let (mut rep, mut mint, mut gov) = (None, None, None);
    let (mut bond, mut att, mut flux) = (None, None, None);
    for change in &asked.set {
        let (path, raw) = change
            .split_once('=')
            .with_context(|| format!("--set {change}: expected contract.field=value"))?;
        let (contract, field) = path
            .split_once('.')
            .with_context(|| format!("--set {change}: expected contract.field=value"))?;
        match contract {
            "reputation" => {
                if rep.is_none() {
                    rep = Some(ctx.query::<reputation::Params>("reputation", calls::reputation::PARAMS, ()).await?);
                }
                if let Some(p) = rep.as_mut() {
                    reputation_field(p, field, raw)?;
                }
            }
            "mint_credits" => {
                if mint.is_none() {
                    mint = Some(ctx.query::<mint_credits::Tunables>("mint_credits", calls::mint_credits::TUNABLES, ()).await?);
                }
                if let Some(t) = mint.as_mut() {
                    mint_field(t, field, raw)?;
                }
            }
            "governance" => {
                if gov.is_none() {
                    gov = Some(ctx.query::<Config>("governance", sel::CONFIG, ()).await?);
                }
                if let Some(c) = gov.as_mut() {
                    governance_field(c, field, raw)?;
                }
            }
            "bonding" => {
                if bond.is_none() {
                    bond = Some(ctx.query::<bonding::Params>("bonding", calls::bonding::PARAMS, ()).await?);
                }
                if let Some(p) = bond.as_mut() {
                    bonding_field(p, field, raw)?;
                }
            }
            "attestations" => {
                if att.is_none() {
                    att = Some(ctx.query::<attestations::Params>("attestations", calls::attestations::PARAMS, ()).await?);
                }
                if let Some(p) = att.as_mut() {
                    attestations_field(p, field, raw)?;
                }
            }
            "power_flux" => {
                if flux.is_none() {
                    flux = Some(ctx.query::<power_flux::Tunables>("power_flux", calls::power_flux::TUNABLES, ()).await?);
                }
                if let Some(t) = flux.as_mut() {
                    power_flux_field(t, field, raw)?;
                }
            }
            other => bail!("--set {change}: governance tunes reputation, mint_credits, bonding, attestations, power_flux and governance, not {other:?}"),
        }
    }
    let mut actions: Vec<Action> = Vec::new();
    actions.extend(rep.map(Action::Reputation));
    actions.extend(mint.map(Action::MintCredits));
    actions.extend(bond.map(Action::Bonding));
    actions.extend(att.map(Action::Attestations));
    actions.extend(flux.map(Action::PowerFlux));
    actions.extend(gov.map(Action::Governance));
    if let Some((to, amount)) = &asked.pay {
        let to = ctx.account(Some(to))?;
        actions.push(Action::Treasury {
            to: calls::account(to),
            amount: tokens(*amount)?,
        });
    }
    if let Some(council) = &asked.council {
        actions.push(Action::Council(calls::account(ctx.account(Some(council))?)));
    }
    if let Some(resolver) = &asked.resolver {
        actions.push(Action::Resolver(calls::account(
            ctx.account(Some(resolver))?,
        )));
    }
    if let Some(hash) = &asked.upgrade {
        let hash = hex::decode_array::<32>(hash).map_err(|e| anyhow::anyhow!("--upgrade: {e}"))?;
        actions.push(Action::Upgrade(hash));
    }
    if actions.is_empty() {
        bail!("nothing to propose: give --set, --pay, --council, --resolver or --upgrade");
    }
    Ok(actions)
}

/// Approves `amount` for governance to pull.
async fn approve_gov(ctx: &Ctx, amount: u128) -> anyhow::Result<()> {
    let gov = ctx.manifest.address("governance")?;
    ctx.send::<PSP22Error>(
        "dyn_token",
        calls::token::APPROVE,
        (calls::account(gov), amount),
    )
    .await?;
    Ok(())
}

fn days(ms: u64) -> String {
    format!("{:.2} days", ms as f64 / 86_400_000.0)
}

/// Runs one DAO call and prints its outcome.
pub async fn run(call: Dao) -> anyhow::Result<()> {
    match call {
        Dao::Lock { amount, target } => {
            let ctx = Ctx::new(&target)?;
            approve_gov(&ctx, tokens(amount)?).await?;
            ctx.send::<GovernanceError>("governance", sel::LOCK, tokens(amount)?)
                .await?;
            println!("locked {amount} DYN for voting");
        }
        Dao::Unlock { amount, target } => {
            let ctx = Ctx::new(&target)?;
            ctx.send::<GovernanceError>("governance", sel::UNLOCK, tokens(amount)?)
                .await?;
            println!("unlocked {amount} DYN");
        }
        Dao::Propose {
            set,
            pay,
            amount,
            council,
            upgrade,
            resolver,
            text,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let asked = Asked {
                set,
                pay: pay.map(|to| (to, amount)),
                council,
                upgrade,
                resolver,
            };
            let actions = actions_of(&ctx, &asked).await?;
            let config: Config = ctx.query("governance", sel::CONFIG, ()).await?;
            approve_gov(&ctx, config.proposal_deposit).await?;
            let description = sp_core::hashing::blake2_256(text.as_bytes());
            let (id, receipt) = ctx
                .send_for::<u32, GovernanceError>(
                    "governance",
                    sel::PROPOSE,
                    (actions.clone(), description),
                )
                .await?;
            println!(
                "proposal {id} made at block {} ({} action(s)); deposit {} DYN",
                receipt.block,
                actions.len(),
                config.proposal_deposit / ONE_DYN
            );
        }
        Dao::Vote {
            id,
            support: side,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let side = support(&side)?;
            ctx.send::<GovernanceError>("governance", sel::VOTE, (id, side))
                .await?;
            let me = calls::account(ctx.account(None)?);
            let ballot: Option<(Support, u128)> =
                ctx.query("governance", sel::VOTE_OF, (id, me)).await?;
            let power = ballot.map_or(0, |(_, p)| p);
            println!("voted {side:?} on proposal {id} with power {power}");
        }
        Dao::Queue { id, target } => {
            let ctx = Ctx::new(&target)?;
            ctx.send::<GovernanceError>("governance", sel::QUEUE, id)
                .await?;
            let p: Option<Proposal> = ctx.query("governance", sel::PROPOSAL, id).await?;
            if let Some(governance::Status::Queued { eta }) = p.map(|p| p.status) {
                println!("proposal {id} queued; executable from timestamp {eta} ms");
            }
        }
        Dao::Execute { id, target } => {
            let ctx = Ctx::new(&target)?;
            let receipt = ctx
                .send::<GovernanceError>("governance", sel::EXECUTE, id)
                .await?;
            println!("proposal {id} executed at block {}", receipt.block);
        }
        Dao::Cancel { id, target } => {
            let ctx = Ctx::new(&target)?;
            ctx.send::<GovernanceError>("governance", sel::CANCEL, id)
                .await?;
            println!("proposal {id} cancelled");
        }
        Dao::Settle { id, target } => {
            let ctx = Ctx::new(&target)?;
            ctx.send::<GovernanceError>("governance", sel::SETTLE_DEPOSIT, id)
                .await?;
            println!("proposal {id}: deposit settled");
        }
        Dao::Show { id, voter, target } => {
            let ctx = Ctx::new(&target)?;
            let p: Option<Proposal> = ctx.query("governance", sel::PROPOSAL, id).await?;
            let Some(p) = p else {
                bail!("no proposal {id}");
            };
            let state: Option<State> = ctx.query("governance", sel::STATE, id).await?;
            let actions: Vec<Action> = ctx.query("governance", sel::ACTIONS, id).await?;
            let t = p.tally;
            println!("proposal {id}: {state:?} ({:?} class)", p.class);
            println!("  proposer 0x{}", hex::encode(calls::raw(&p.proposer)));
            println!(
                "  tally: for {} against {} abstain {} (quorum {}, threshold {} ppb of for + against)",
                t.for_votes, t.against, t.abstain, p.rules.quorum, p.rules.threshold_ppb
            );
            println!(
                "  snapshot block {}; voting {} → {} ms ({}); timelock {}, grace {}",
                p.snapshot,
                p.vote_start,
                p.vote_end,
                days(p.vote_end.saturating_sub(p.vote_start)),
                days(p.rules.timelock_ms),
                days(p.rules.grace_ms)
            );
            println!(
                "  status {:?}; deposit {} DYN (settled: {})",
                p.status,
                p.deposit / ONE_DYN,
                p.deposit_settled
            );
            for (i, a) in actions.iter().enumerate() {
                println!("  action {i}: {a:?}");
            }
            if let Some(voter) = voter {
                let who = calls::account(ctx.account(Some(&voter))?);
                let ballot: Option<(Support, u128)> =
                    ctx.query("governance", sel::VOTE_OF, (id, who)).await?;
                let power: Result<u128, GovernanceError> =
                    ctx.query("governance", sel::POWER, (id, who)).await?;
                println!("  voter {voter}: vote {ballot:?}, power {power:?}");
            }
        }
        Dao::Wait {
            days,
            hours,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let ms = days
                .saturating_mul(86_400_000)
                .saturating_add(hours.saturating_mul(3_600_000));
            let blocks = u32::try_from(ms.div_ceil(BLOCK_MS)).context("too long a wait")?;
            match &ctx.link {
                Link::Gateway(gateway) => {
                    let block = gateway.advance(blocks).await?;
                    println!(
                        "the sandbox moved {blocks} blocks ({}) to block {block}",
                        self::days(ms)
                    );
                }
                Link::Node(_) => bail!("a node's clock is its own: wait for it"),
            }
        }
    }
    Ok(())
}
