//! `dynamis-deploy` as a client of a deployed suite: DYN balances, transfers and allowances,
//! bonds, and the state of attestations and slashes, against the sandbox gateway or a node (the
//! manifest's chain URL, or `--url`). The signing account's secret URI comes from
//! `DYNAMIS_SURI` (or `--suri`, for dev keys such as `//Bob`); it is never printed.

use crate::{
    calls::{self, call_data},
    hex,
    link::Link,
    manifest::Manifest,
    tx::{account_of, signer, Receipt},
};
use anyhow::{bail, Context};
use dynamis_shared::{BondingError, PSP22Error, Role, ONE_DYN};
use scale::{Decode, Encode};
use sp_core::sr25519;
use std::path::PathBuf;

/// The environment variable the signer's secret URI is read from.
pub const SURI_ENV: &str = "DYNAMIS_SURI";

/// Which deployment, and who signs.
#[derive(clap::Args, Debug, Clone)]
pub struct Target {
    /// The deployment manifest.
    #[arg(long, default_value = "deployment.json")]
    pub manifest: PathBuf,
    /// The chain, if not the manifest's (http:// sandbox gateway, ws:// node).
    #[arg(long)]
    pub url: Option<String>,
    /// The signer's secret URI (better: DYNAMIS_SURI, which no process list shows).
    #[arg(long)]
    pub suri: Option<String>,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum Call {
    /// DYN balance of an account (hex), or of the signer.
    Balance {
        account: Option<String>,
        #[command(flatten)]
        target: Target,
    },
    /// Sends DYN (whole tokens) to an account.
    Transfer {
        to: String,
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Lets a spender (an account, or a contract of the manifest by name) move DYN.
    Approve {
        spender: String,
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Bonds DYN in a role (approving the bonding contract first).
    Bond {
        #[arg(long, default_value = "verifier")]
        role: String,
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Starts unbonding DYN of a role (withdrawable after the unbonding delay).
    Unbond {
        #[arg(long, default_value = "verifier")]
        role: String,
        #[arg(long = "dyn")]
        amount: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Withdraws what has finished unbonding.
    Withdraw {
        #[arg(long, default_value = "verifier")]
        role: String,
        #[command(flatten)]
        target: Target,
    },
    /// An account's stake in a role (hex account, or the signer).
    Stake {
        account: Option<String>,
        #[arg(long, default_value = "verifier")]
        role: String,
        #[command(flatten)]
        target: Target,
    },
    /// An attestation's record.
    Attestation {
        id: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Gives an account native currency for fees and storage deposits, from the signer (on a
    /// node: a dev account such as //Alice); the sandbox funds every account that acts itself.
    Fund {
        account: String,
        /// Native units (the node's smallest unit; 10^12 is one unit of a dev chain).
        #[arg(long)]
        amount: u128,
        #[command(flatten)]
        target: Target,
    },
    /// An account's free native balance (node only).
    NativeBalance {
        account: Option<String>,
        #[command(flatten)]
        target: Target,
    },
    /// The parameters governance tunes, as they stand: of reputation, bonding,
    /// attestations, mint_credits (its tunables), power_flux (its tunables, with the
    /// controller's state and the totals) or governance (its rules).
    Params {
        contract: String,
        #[command(flatten)]
        target: Target,
    },
    /// A slash's record.
    Slash {
        id: u64,
        #[command(flatten)]
        target: Target,
    },
    /// A DAO member's calls to the governance contract (lock, propose, vote, queue,
    /// execute, show, ...).
    Dao {
        #[command(subcommand)]
        call: crate::dao::Dao,
    },
}

pub fn parse_role(name: &str) -> anyhow::Result<Role> {
    Ok(match name {
        "validator" => Role::Validator,
        "sequencer" => Role::Sequencer,
        "sentry" => Role::Sentry,
        "archival" => Role::Archival,
        "verifier" => Role::Verifier,
        other => {
            bail!("role {other:?}: expected validator, sequencer, sentry, archival or verifier")
        }
    })
}

/// Whole DYN in base units.
pub(crate) fn tokens(amount: u64) -> anyhow::Result<u128> {
    u128::from(amount)
        .checked_mul(ONE_DYN)
        .context("amount too large")
}

pub(crate) struct Ctx {
    pub(crate) link: Link,
    pub(crate) manifest: Manifest,
    signer: Option<sr25519::Pair>,
}

impl Ctx {
    pub(crate) fn new(target: &Target) -> anyhow::Result<Self> {
        let manifest = Manifest::load(&target.manifest)?;
        let url = match (&target.url, &manifest.chain.url) {
            (Some(url), _) | (None, Some(url)) => url.clone(),
            (None, None) => bail!("no chain URL in the manifest: pass --url"),
        };
        let suri = std::env::var(SURI_ENV).ok().or_else(|| target.suri.clone());
        let signer = suri
            .map(|s| signer(&s).map_err(anyhow::Error::msg))
            .transpose()?;
        Ok(Self {
            link: Link::new(&url),
            manifest,
            signer,
        })
    }

    pub(crate) fn signer(&self) -> anyhow::Result<&sr25519::Pair> {
        self.signer
            .as_ref()
            .with_context(|| format!("no signer: set {SURI_ENV} (or pass --suri)"))
    }

    /// The account named in hex (or as a dev URI such as `//Bob`), or the signer's.
    pub(crate) fn account(&self, given: Option<&str>) -> anyhow::Result<[u8; 32]> {
        match given {
            Some(text) if text.starts_with("//") => {
                crate::tx::account_arg(text).map_err(anyhow::Error::msg)
            }
            Some(text) => {
                hex::decode_array::<32>(text).map_err(|e| anyhow::anyhow!("account: {e}"))
            }
            None => Ok(account_of(self.signer()?)),
        }
    }

    /// A contract of the manifest by name, or an account in hex (or as a dev URI).
    pub(crate) fn party(&self, given: &str) -> anyhow::Result<[u8; 32]> {
        if given.starts_with("//") {
            return self.account(Some(given));
        }
        match self.manifest.address(given) {
            Ok(address) => Ok(address),
            Err(_) => hex::decode_array::<32>(given)
                .map_err(|e| anyhow::anyhow!("{given}: no contract of that name, and {e}")),
        }
    }

    pub(crate) async fn query<R: Decode>(
        &self,
        contract: &str,
        selector: [u8; 4],
        args: impl Encode,
    ) -> anyhow::Result<R> {
        let address = self.manifest.address(contract)?;
        let origin = self.signer.as_ref().map_or([0; 32], account_of);
        let data = self
            .link
            .query(origin, address, call_data(selector, args))
            .await?;
        calls::decode::<R>(&data).map_err(|e| anyhow::anyhow!("{contract}: {e}"))
    }

    /// Signs and sends a call; the message's own error, if it returned one, is the error.
    pub(crate) async fn send<E: Decode + std::fmt::Debug>(
        &self,
        contract: &str,
        selector: [u8; 4],
        args: impl Encode,
    ) -> anyhow::Result<Receipt> {
        self.send_for::<(), E>(contract, selector, args)
            .await
            .map(|(_, receipt)| receipt)
    }

    /// [`Self::send`] for a message that returns `Result<T, E>`: the value and the receipt.
    pub(crate) async fn send_for<T: Decode, E: Decode + std::fmt::Debug>(
        &self,
        contract: &str,
        selector: [u8; 4],
        args: impl Encode,
    ) -> anyhow::Result<(T, Receipt)> {
        let pair = self.signer()?;
        let address = self.manifest.address(contract)?;
        let nonce = self.link.nonce(account_of(pair)).await?;
        let tx = self
            .link
            .sign(pair, nonce, address, call_data(selector, args))
            .await?;
        let receipt = self.link.send(&tx).await?;
        match receipt.value::<Result<T, E>>() {
            Ok(Ok(value)) => Ok((value, receipt)),
            Ok(Err(e)) => bail!("{contract} refused: {e:?}"),
            Err(e) => bail!("{contract}: {e}"),
        }
    }
}

/// Runs one call and prints its outcome.
pub async fn run(call: Call) -> anyhow::Result<()> {
    match call {
        Call::Balance { account, target } => {
            let ctx = Ctx::new(&target)?;
            let who = ctx.account(account.as_deref())?;
            let balance: u128 = ctx
                .query("dyn_token", calls::token::BALANCE_OF, calls::account(who))
                .await?;
            println!(
                "{} DYN ({balance} units) at 0x{}",
                balance / ONE_DYN,
                hex::encode(who)
            );
        }
        Call::Transfer { to, amount, target } => {
            let ctx = Ctx::new(&target)?;
            let to = ctx.party(&to)?;
            let receipt = ctx
                .send::<PSP22Error>(
                    "dyn_token",
                    calls::token::TRANSFER,
                    (calls::account(to), tokens(amount)?, Vec::<u8>::new()),
                )
                .await?;
            println!(
                "sent {amount} DYN to 0x{} (block {})",
                hex::encode(to),
                receipt.block
            );
        }
        Call::Approve {
            spender,
            amount,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let spender = ctx.party(&spender)?;
            ctx.send::<PSP22Error>(
                "dyn_token",
                calls::token::APPROVE,
                (calls::account(spender), tokens(amount)?),
            )
            .await?;
            println!("0x{} may move {amount} DYN", hex::encode(spender));
        }
        Call::Bond {
            role,
            amount,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let role = parse_role(&role)?;
            let bonding = ctx.manifest.address("bonding")?;
            ctx.send::<PSP22Error>(
                "dyn_token",
                calls::token::APPROVE,
                (calls::account(bonding), tokens(amount)?),
            )
            .await?;
            ctx.send::<BondingError>("bonding", calls::bonding::BOND, (role, tokens(amount)?))
                .await?;
            println!("bonded {amount} DYN as {role:?}");
        }
        Call::Unbond {
            role,
            amount,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let role = parse_role(&role)?;
            ctx.send::<BondingError>("bonding", calls::bonding::UNBOND, (role, tokens(amount)?))
                .await?;
            println!("unbonding {amount} DYN of {role:?}");
        }
        Call::Withdraw { role, target } => {
            let ctx = Ctx::new(&target)?;
            let role = parse_role(&role)?;
            ctx.send::<BondingError>("bonding", calls::bonding::WITHDRAW, role)
                .await?;
            println!("withdrew what finished unbonding of {role:?}");
        }
        Call::Stake {
            account,
            role,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let who = ctx.account(account.as_deref())?;
            let role = parse_role(&role)?;
            let stake: bonding::Stake = ctx
                .query(
                    "bonding",
                    calls::bonding::STAKE,
                    (calls::account(who), role),
                )
                .await?;
            println!("{stake:#?}");
        }
        Call::Attestation { id, target } => {
            let ctx = Ctx::new(&target)?;
            let record: Option<attestations::Record> = ctx
                .query("attestations", calls::attestations::ATTESTATION, id)
                .await?;
            match record {
                Some(record) => println!("{record:#?}"),
                None => bail!("no attestation {id}"),
            }
        }
        Call::Fund {
            account,
            amount,
            target,
        } => {
            let ctx = Ctx::new(&target)?;
            let who = ctx.account(Some(&account))?;
            match &ctx.link {
                Link::Node(node) => {
                    node.transfer(ctx.signer()?, who, amount).await?;
                    let free = node.free_balance(who).await?;
                    println!("0x{} has {free} native units", hex::encode(who));
                }
                Link::Gateway(_) => println!(
                    "the sandbox funds every account that acts: nothing to send to 0x{}",
                    hex::encode(who)
                ),
            }
        }
        Call::NativeBalance { account, target } => {
            let ctx = Ctx::new(&target)?;
            let who = ctx.account(account.as_deref())?;
            match &ctx.link {
                Link::Node(node) => {
                    let free = node.free_balance(who).await?;
                    println!("0x{} has {free} native units", hex::encode(who));
                }
                Link::Gateway(_) => bail!("the sandbox keeps no native balances for clients"),
            }
        }
        Call::Dao { call } => crate::dao::run(call).await?,
        Call::Params { contract, target } => {
            let ctx = Ctx::new(&target)?;
            let sel = calls::common::PARAMS;
            match contract.as_str() {
                "reputation" => {
                    let p: reputation::Params = ctx.query("reputation", sel, ()).await?;
                    println!("{p:#?}");
                }
                "bonding" => {
                    let p: bonding::Params = ctx.query("bonding", sel, ()).await?;
                    println!("{p:#?}");
                }
                "attestations" => {
                    let p: attestations::Params = ctx.query("attestations", sel, ()).await?;
                    println!("{p:#?}");
                }
                "mint_credits" => {
                    let t: mint_credits::Tunables = ctx
                        .query("mint_credits", calls::mint_credits::TUNABLES, ())
                        .await?;
                    println!("{t:#?}");
                }
                "governance" => {
                    let c: governance::Config = ctx
                        .query("governance", calls::governance::CONFIG, ())
                        .await?;
                    println!("{c:#?}");
                }
                "power_flux" => {
                    let f = calls::power_flux::TUNABLES;
                    let t: power_flux::Tunables = ctx.query("power_flux", f, ()).await?;
                    let f = calls::power_flux::CONTROLLER;
                    let c: power_flux::Controller = ctx.query("power_flux", f, ()).await?;
                    let f = calls::power_flux::TOTALS;
                    let totals: power_flux::Totals = ctx.query("power_flux", f, ()).await?;
                    println!("{t:#?}\n{c:#?}\n{totals:#?}");
                }
                other => bail!(
                    "{other:?}: expected reputation, bonding, attestations, mint_credits, power_flux or governance"
                ),
            }
        }
        Call::Slash { id, target } => {
            let ctx = Ctx::new(&target)?;
            let slash: Option<bonding::Slash> =
                ctx.query("bonding", calls::bonding::SLASH, id).await?;
            match slash {
                Some(slash) => println!("{slash:#?}"),
                None => bail!("no slash {id}"),
            }
        }
    }
    Ok(())
}
