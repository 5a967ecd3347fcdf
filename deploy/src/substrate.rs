//! A real node (`substrate-contracts-node` 0.42: pallet-contracts 38, polkadot-sdk stable2409)
//! through subxt's dynamic API: the contracts pallet's calls built from runtime metadata,
//! signed offline with an explicit nonce (so the bytes can be stored before they are sent),
//! submitted, and found again in a block by their hash.
//!
//! A signed call's return value is not recorded on chain (a revert is an `ExtrinsicFailed`
//! with `Contracts::ContractReverted`): the receipt's `data` is the same call dry-run at the
//! parent of its block. That replay is exact only if nothing ran before the call in its block
//! but inherents and `System::remark`s (which touch no contract). The dev node's instant seal
//! puts transactions that reach the pool together into one block, so a receipt whose call had
//! other transactions before it says its return data is unknown (`Receipt::unknown`) rather
//! than report what the call would have returned alone.
//!
//! Reads are taken at the best block (as cargo-contract does); what must not be taken back by
//! a reorg (the verifier's finality) is read at the finalized head ([`NodeClient::query_finalized`]),
//! which lags a second behind on the dev node.

use crate::{
    gateway::ClientError,
    tx::{account_of, Event, Receipt},
};
use scale::{Decode, Encode};
use sp_core::{crypto::Pair as _, sr25519};
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};
use subxt::{
    backend::{
        legacy::{rpc_methods::NumberOrHex, LegacyRpcMethods},
        rpc::RpcClient,
    },
    config::{polkadot::PolkadotExtrinsicParamsBuilder as Params, Header as _, PolkadotConfig},
    dynamic::Value,
    tx::DefaultPayload,
    utils::{AccountId32, MultiAddress, MultiSignature, H256},
    OnlineClient,
};

type Config = PolkadotConfig;
type Payload = DefaultPayload<subxt::ext::scale_value::Composite<()>>;

/// How long a sent transaction may take to be included before `send` gives up (the
/// transaction stays valid; a later `receipt` or `send` finds it).
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(50);

/// A signed extrinsic calling a contract, kept so it can be sent again or found on chain.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct NodeTx {
    /// BLAKE2b-256 of `extrinsic`: what blocks list it under.
    pub hash: [u8; 32],
    pub signer: [u8; 32],
    pub nonce: u64,
    /// The best block when it was signed: it cannot be in an earlier one.
    pub since: u32,
    pub contract: [u8; 32],
    pub data: Vec<u8>,
    pub extrinsic: Vec<u8>,
}

/// What finds an extrinsic on chain: its hash, and the signer, nonce and first block it can be
/// in.
struct Mark {
    hash: [u8; 32],
    signer: [u8; 32],
    nonce: u64,
    since: u32,
}

impl NodeTx {
    fn mark(&self) -> Mark {
        Mark {
            hash: self.hash,
            signer: self.signer,
            nonce: self.nonce,
            since: self.since,
        }
    }
}

/// `pallet_contracts::ContractResult` up to its `result` (the node appends the events it
/// collected, which nobody here reads; `Decode::decode` stops before them).
#[derive(Decode)]
struct ContractResult<R> {
    _gas_consumed: sp_weights::Weight,
    gas_required: sp_weights::Weight,
    /// `StorageDeposit::{Refund, Charge}(Balance)`: a variant index and a balance.
    _storage_deposit: (u8, u128),
    _debug_message: Vec<u8>,
    result: Result<R, sp_runtime::DispatchError>,
}

#[derive(Decode)]
struct ExecReturnValue {
    flags: u32,
    data: Vec<u8>,
}

#[derive(Decode)]
struct InstantiateReturnValue {
    result: ExecReturnValue,
    account_id: [u8; 32],
}

/// `ReturnFlags::REVERT`.
const REVERT: u32 = 1;

/// A dry run's outcome.
struct DryRun {
    gas_required: sp_weights::Weight,
    /// The message's return data, if it ran.
    data: Vec<u8>,
    reverted: bool,
    /// Why the runtime refused to run it (trap, no such contract, out of gas).
    dispatch_error: Option<String>,
}

/// The gas limit sent with a call: the dry run's need with headroom for state that moves
/// between the dry run and inclusion (only what is used is charged).
fn gas_limit(required: sp_weights::Weight) -> Value {
    let ref_time = required
        .ref_time()
        .saturating_mul(3)
        .saturating_div(2)
        .saturating_add(1_000_000_000);
    let proof_size = required
        .proof_size()
        .saturating_mul(3)
        .saturating_div(2)
        .saturating_add(65_536);
    Value::named_composite([
        ("ref_time", Value::u128(ref_time.into())),
        ("proof_size", Value::u128(proof_size.into())),
    ])
}

struct Signer(sr25519::Pair);

impl subxt::tx::Signer<Config> for Signer {
    fn account_id(&self) -> AccountId32 {
        AccountId32(account_of(&self.0))
    }
    fn address(&self) -> MultiAddress<AccountId32, ()> {
        MultiAddress::Id(self.account_id())
    }
    fn sign(&self, payload: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(self.0.sign(payload).0)
    }
}

#[derive(Clone)]
struct Conn {
    rpc: LegacyRpcMethods<Config>,
    api: OnlineClient<Config>,
}

/// What including an extrinsic did, as the chain recorded it.
struct Included {
    block: u32,
    parent: H256,
    /// `Some` unless the extrinsic succeeded.
    failed: Option<subxt::error::DispatchError>,
    /// Signed extrinsics before it in its block that may have changed contract state.
    preceded_by: u32,
    events: Vec<Event>,
    /// The contract a `Contracts::Instantiated` event names, if any.
    instantiated: Option<[u8; 32]>,
}

/// A `System::remark*` extrinsic: it writes nothing a contract reads, so a call after it in
/// the same block replays exactly at the parent.
fn is_remark<T: subxt::Config, C: subxt::client::OfflineClientT<T>>(
    e: &subxt::blocks::ExtrinsicDetails<T, C>,
) -> bool {
    e.pallet_name().is_ok_and(|p| p == "System")
        && e.variant_name().is_ok_and(|v| v.starts_with("remark"))
}

/// A client of one node; reconnects after the connection drops.
pub struct NodeClient {
    url: String,
    conn: Mutex<Option<Conn>>,
}

/// Is this subxt error a refusal by the node (as opposed to not reaching it)?
fn refusal(e: &subxt::Error) -> Option<(i32, String)> {
    if let subxt::Error::Rpc(subxt::error::RpcError::ClientError(inner)) = e {
        if let Some(jsonrpsee::core::ClientError::Call(obj)) =
            inner.downcast_ref::<jsonrpsee::core::ClientError>()
        {
            let data = obj.data().map(|d| d.get().to_string()).unwrap_or_default();
            return Some((obj.code(), format!("{} {data}", obj.message())));
        }
    }
    None
}

/// Transaction-pool codes of the node's RPC (sc-rpc-api author errors).
const POOL_INVALID: i32 = 1010;
const POOL_BANNED: i32 = 1012;
const POOL_ALREADY_IMPORTED: i32 = 1013;

impl NodeClient {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_string(),
            conn: Mutex::new(None),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn conn(&self) -> Result<Conn, ClientError> {
        if let Some(c) = self.conn.lock().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        let unreachable = |e: subxt::Error| ClientError::Unreachable(format!("{}: {e}", self.url));
        let rpc = RpcClient::from_insecure_url(&self.url)
            .await
            .map_err(unreachable)?;
        let api = OnlineClient::<Config>::from_rpc_client(rpc.clone())
            .await
            .map_err(unreachable)?;
        let conn = Conn {
            rpc: LegacyRpcMethods::new(rpc),
            api,
        };
        if let Ok(mut slot) = self.conn.lock() {
            *slot = Some(conn.clone());
        }
        Ok(conn)
    }

    /// Maps a subxt error; forgets the connection unless the node answered.
    fn fail(&self, what: &str, e: subxt::Error) -> ClientError {
        match refusal(&e) {
            Some((code, message)) => ClientError::Refused {
                status: if code == POOL_INVALID { 409 } else { 400 },
                error: format!("{what}: {code} {message}"),
            },
            None => {
                if let Ok(mut slot) = self.conn.lock() {
                    *slot = None;
                }
                ClientError::Unreachable(format!("{what}: {e}"))
            }
        }
    }

    fn broken(what: &str, why: impl std::fmt::Display) -> ClientError {
        ClientError::Refused {
            status: 502,
            error: format!("{what}: {why}"),
        }
    }

    /// The best block's hash and number.
    async fn best(&self, c: &Conn) -> Result<(H256, u32), ClientError> {
        let header = c
            .rpc
            .chain_get_header(None)
            .await
            .map_err(|e| self.fail("best header", e))?
            .ok_or_else(|| Self::broken("best header", "none"))?;
        Ok((header.hash(), header.number))
    }

    pub async fn block(&self) -> Result<u32, ClientError> {
        let c = self.conn().await?;
        Ok(self.best(&c).await?.1)
    }

    /// The finalized head's hash and number (GRANDPA, or the dev node's delayed finality).
    async fn finalized(&self, c: &Conn) -> Result<(H256, u32), ClientError> {
        let hash = c
            .rpc
            .chain_get_finalized_head()
            .await
            .map_err(|e| self.fail("finalized head", e))?;
        let header = c
            .rpc
            .chain_get_header(Some(hash))
            .await
            .map_err(|e| self.fail("finalized header", e))?
            .ok_or_else(|| Self::broken("finalized header", "none"))?;
        Ok((hash, header.number))
    }

    /// The finalized head's number: what no reorg can take back.
    pub async fn finalized_block(&self) -> Result<u32, ClientError> {
        let c = self.conn().await?;
        Ok(self.finalized(&c).await?.1)
    }

    /// [`NodeClient::query`] at the finalized head: state no reorg can take back.
    pub async fn query_finalized(
        &self,
        origin: [u8; 32],
        contract: [u8; 32],
        data: &[u8],
    ) -> Result<Vec<u8>, ClientError> {
        let c = self.conn().await?;
        let (at, _) = self.finalized(&c).await?;
        self.query_at(&c, origin, contract, data, Some(at)).await
    }

    /// `who`'s next nonce as of the best block (transactions in the pool not counted).
    pub async fn nonce(&self, who: [u8; 32]) -> Result<u64, ClientError> {
        let c = self.conn().await?;
        let (best, _) = self.best(&c).await?;
        self.nonce_at(&c, best, who).await
    }

    async fn nonce_at(&self, c: &Conn, at: H256, who: [u8; 32]) -> Result<u64, ClientError> {
        let block = c
            .api
            .blocks()
            .at(at)
            .await
            .map_err(|e| self.fail("block", e))?;
        block
            .account_nonce(&AccountId32(who))
            .await
            .map_err(|e| self.fail("account nonce", e))
    }

    async fn state_call<R: Decode>(
        &self,
        c: &Conn,
        function: &str,
        args: Vec<u8>,
        at: Option<H256>,
    ) -> Result<R, ClientError> {
        let bytes = c
            .rpc
            .state_call(function, Some(&args), at)
            .await
            .map_err(|e| self.fail(function, e))?;
        R::decode(&mut &bytes[..]).map_err(|e| Self::broken(function, e))
    }

    async fn dry_run_at(
        &self,
        c: &Conn,
        origin: [u8; 32],
        contract: [u8; 32],
        data: &[u8],
        at: Option<H256>,
    ) -> Result<DryRun, ClientError> {
        let args = (
            origin,
            contract,
            0u128,
            None::<sp_weights::Weight>,
            None::<u128>,
            data,
        )
            .encode();
        let r: ContractResult<ExecReturnValue> =
            self.state_call(c, "ContractsApi_call", args, at).await?;
        Ok(match r.result {
            Ok(v) => DryRun {
                gas_required: r.gas_required,
                reverted: v.flags & REVERT != 0,
                data: v.data,
                dispatch_error: None,
            },
            Err(e) => DryRun {
                gas_required: r.gas_required,
                data: Vec::new(),
                reverted: false,
                dispatch_error: Some(format!("{e:?}")),
            },
        })
    }

    /// A read-only call's raw return data: `contract` called by `origin` at the best block,
    /// nothing kept.
    pub async fn query(
        &self,
        origin: [u8; 32],
        contract: [u8; 32],
        data: &[u8],
    ) -> Result<Vec<u8>, ClientError> {
        let c = self.conn().await?;
        self.query_at(&c, origin, contract, data, None).await
    }

    /// A read-only call's raw return data at block `at` (the best block if none).
    async fn query_at(
        &self,
        c: &Conn,
        origin: [u8; 32],
        contract: [u8; 32],
        data: &[u8],
        at: Option<H256>,
    ) -> Result<Vec<u8>, ClientError> {
        let r = self.dry_run_at(c, origin, contract, data, at).await?;
        match r.dispatch_error {
            None => Ok(r.data),
            Some(e) => Err(Self::broken("query", e)),
        }
    }

    async fn sign_payload(
        &self,
        c: &Conn,
        pair: &sr25519::Pair,
        nonce: u64,
        payload: &Payload,
    ) -> Result<(H256, Vec<u8>), ClientError> {
        let params = Params::<Config>::new().nonce(nonce).build();
        let xt = c
            .api
            .tx()
            .create_signed_offline(payload, &Signer(pair.clone()), params)
            .map_err(|e| self.fail("signing", e))?;
        Ok((xt.hash(), xt.encoded().to_vec()))
    }

    /// Signs a call of `contract` with nonce `nonce` (its gas limit from a dry run); nothing is
    /// sent.
    pub async fn sign_call(
        &self,
        pair: &sr25519::Pair,
        nonce: u64,
        contract: [u8; 32],
        data: Vec<u8>,
    ) -> Result<NodeTx, ClientError> {
        let c = self.conn().await?;
        let signer = account_of(pair);
        let (_, since) = self.best(&c).await?;
        let dry = self.dry_run_at(&c, signer, contract, &data, None).await?;
        let payload = subxt::dynamic::tx(
            "Contracts",
            "call",
            vec![
                Value::unnamed_variant("Id", [Value::from_bytes(contract)]),
                Value::u128(0),
                gas_limit(dry.gas_required),
                Value::unnamed_variant("None", []),
                Value::from_bytes(&data),
            ],
        );
        let (hash, extrinsic) = self.sign_payload(&c, pair, nonce, &payload).await?;
        Ok(NodeTx {
            hash: hash.0,
            signer,
            nonce,
            since,
            contract,
            data,
            extrinsic,
        })
    }

    /// Hands the extrinsic to the node's pool; `Ok` also when the pool has it already.
    async fn submit(&self, c: &Conn, extrinsic: &[u8]) -> Result<(), ClientError> {
        match c.rpc.author_submit_extrinsic(extrinsic).await {
            Ok(_) => Ok(()),
            Err(e) => match refusal(&e) {
                Some((POOL_ALREADY_IMPORTED | POOL_BANNED, _)) => Ok(()),
                _ => Err(self.fail("submit", e)),
            },
        }
    }

    /// Where extrinsic `x` was included, looking from its first possible block: `None` while
    /// its signer's nonce has not passed `x.nonce` (not included yet), or if it passed without
    /// this extrinsic (another one took the nonce).
    async fn find(&self, c: &Conn, x: &Mark) -> Result<Option<Included>, ClientError> {
        let (best, best_number) = self.best(c).await?;
        if self.nonce_at(c, best, x.signer).await? <= x.nonce {
            return Ok(None);
        }
        self.scan(c, x, best_number).await
    }

    /// Looks for extrinsic `x` in blocks from its first possible one to `to`.
    async fn scan(&self, c: &Conn, x: &Mark, to: u32) -> Result<Option<Included>, ClientError> {
        for number in x.since..=to {
            let block_hash = c
                .rpc
                .chain_get_block_hash(Some(NumberOrHex::Number(number.into())))
                .await
                .map_err(|e| self.fail("block hash", e))?
                .ok_or_else(|| Self::broken("block hash", number))?;
            let block = c
                .api
                .blocks()
                .at(block_hash)
                .await
                .map_err(|e| self.fail("block", e))?;
            let extrinsics = block
                .extrinsics()
                .await
                .map_err(|e| self.fail("extrinsics", e))?;
            let mut preceded_by = 0u32;
            let mut found = None;
            for e in extrinsics.iter() {
                if e.hash().0 == x.hash {
                    found = Some(e);
                    break;
                }
                if e.is_signed() && !is_remark(&e) {
                    preceded_by = preceded_by.saturating_add(1);
                }
            }
            let Some(ext) = found else {
                continue;
            };
            let events = ext.events().await.map_err(|e| self.fail("events", e))?;
            let mut included = Included {
                block: number,
                parent: block.header().parent_hash,
                failed: None,
                preceded_by,
                events: Vec::new(),
                instantiated: None,
            };
            for ev in events.iter() {
                let ev = ev.map_err(|e| self.fail("event", e))?;
                match (ev.pallet_name(), ev.variant_name()) {
                    ("System", "ExtrinsicFailed") => {
                        let metadata = c.api.metadata();
                        let error =
                            subxt::error::DispatchError::decode_from(ev.field_bytes(), metadata)
                                .map_err(|e| self.fail("dispatch error", e))?;
                        included.failed = Some(error);
                    }
                    ("Contracts", "ContractEmitted") => {
                        let (contract, data) = <([u8; 32], Vec<u8>)>::decode(&mut ev.field_bytes())
                            .map_err(|e| Self::broken("ContractEmitted", e))?;
                        let topics = ev.topics().iter().map(|t| t.0).collect();
                        included.events.push(Event {
                            contract,
                            topics,
                            data,
                        });
                    }
                    ("Contracts", "Instantiated") => {
                        let (_deployer, contract) =
                            <([u8; 32], [u8; 32])>::decode(&mut ev.field_bytes())
                                .map_err(|e| Self::broken("Instantiated", e))?;
                        included.instantiated = Some(contract);
                    }
                    _ => {}
                }
            }
            return Ok(Some(included));
        }
        Ok(None)
    }

    /// Waits until `find` answers: included, or the nonce went to another extrinsic.
    async fn await_inclusion(&self, c: &Conn, x: &Mark) -> Result<Included, ClientError> {
        let deadline = Instant::now() + INCLUSION_TIMEOUT;
        loop {
            let (best, best_number) = self.best(c).await?;
            if self.nonce_at(c, best, x.signer).await? > x.nonce {
                let found = self.scan(c, x, best_number).await?;
                return found.ok_or_else(|| ClientError::Refused {
                    status: 409,
                    error: format!("nonce {} was used by another transaction", x.nonce),
                });
            }
            if Instant::now() > deadline {
                return Err(ClientError::Unreachable(format!(
                    "not included within {} s",
                    INCLUSION_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The receipt of a contract call that was included.
    async fn receipt_of(
        &self,
        c: &Conn,
        tx: &NodeTx,
        included: Included,
    ) -> Result<Receipt, ClientError> {
        let (reverted, dispatch_error) = match &included.failed {
            None => (false, None),
            Some(subxt::error::DispatchError::Module(m))
                if m.details().is_ok_and(|d| {
                    d.pallet.name() == "Contracts" && d.variant.name == "ContractReverted"
                }) =>
            {
                (true, None)
            }
            Some(e) => (false, Some(e.to_string())),
        };
        let how = if reverted { "reverted" } else { "succeeded" };
        let mut data = Vec::new();
        let mut unknown = None;
        if dispatch_error.is_none() && included.preceded_by > 0 {
            unknown = Some(format!(
                "included ({how}) after {} other transaction(s) in block {}: its return data \
                 cannot be replayed",
                included.preceded_by, included.block
            ));
        } else if dispatch_error.is_none() {
            let replay = self
                .dry_run_at(c, tx.signer, tx.contract, &tx.data, Some(included.parent))
                .await?;
            if replay.dispatch_error.is_none() && replay.reverted == reverted {
                data = replay.data;
            } else {
                unknown = Some(format!(
                    "included ({how}) but its replay at the parent of block {} {}",
                    included.block,
                    match replay.dispatch_error {
                        Some(e) => format!("failed to dispatch: {e}"),
                        None if replay.reverted => "reverted".to_string(),
                        None => "succeeded".to_string(),
                    }
                ));
            }
        }
        Ok(Receipt {
            hash: tx.hash,
            block: included.block,
            data,
            reverted,
            dispatch_error,
            unknown,
            events: included.events,
        })
    }

    /// Sends `tx` (again) and waits for its receipt. A transaction included before is answered
    /// with its receipt; one whose nonce went to another is refused (409).
    pub async fn send(&self, tx: &NodeTx) -> Result<Receipt, ClientError> {
        let c = self.conn().await?;
        if let Some(included) = self.find(&c, &tx.mark()).await? {
            return self.receipt_of(&c, tx, included).await;
        }
        if let Err(e) = self.submit(&c, &tx.extrinsic).await {
            // Stale: included meanwhile (by this extrinsic, or another with its nonce).
            if let ClientError::Refused { status: 409, .. } = e {
                let found = self.find(&c, &tx.mark()).await?;
                return match found {
                    Some(included) => self.receipt_of(&c, tx, included).await,
                    None => Err(e),
                };
            }
            return Err(e);
        }
        let included = self.await_inclusion(&c, &tx.mark()).await?;
        self.receipt_of(&c, tx, included).await
    }

    /// The receipt of `tx`, if it was included.
    pub async fn receipt(&self, tx: &NodeTx) -> Result<Option<Receipt>, ClientError> {
        let c = self.conn().await?;
        match self.find(&c, &tx.mark()).await? {
            Some(included) => Ok(Some(self.receipt_of(&c, tx, included).await?)),
            None => Ok(None),
        }
    }

    /// Signs `payload` with `pair`'s next nonce, sends it and waits for it; refused unless it
    /// succeeded.
    async fn execute(
        &self,
        pair: &sr25519::Pair,
        what: &str,
        payload: Payload,
    ) -> Result<Included, ClientError> {
        let c = self.conn().await?;
        let signer = account_of(pair);
        let (best, since) = self.best(&c).await?;
        let nonce = self.nonce_at(&c, best, signer).await?;
        let (hash, extrinsic) = self.sign_payload(&c, pair, nonce, &payload).await?;
        self.submit(&c, &extrinsic).await?;
        let mark = Mark {
            hash: hash.0,
            signer,
            nonce,
            since,
        };
        let included = self.await_inclusion(&c, &mark).await?;
        match &included.failed {
            None => Ok(included),
            Some(e) => Err(ClientError::Refused {
                status: 409,
                error: format!("{what}: {e}"),
            }),
        }
    }

    /// Uploads `wasm`; its code hash.
    pub async fn upload(
        &self,
        pair: &sr25519::Pair,
        wasm: Vec<u8>,
    ) -> Result<[u8; 32], ClientError> {
        let code_hash = sp_core::hashing::blake2_256(&wasm);
        let payload = subxt::dynamic::tx(
            "Contracts",
            "upload_code",
            vec![
                Value::from_bytes(&wasm),
                Value::unnamed_variant("None", []),
                Value::unnamed_variant("Enforced", []),
            ],
        );
        self.execute(pair, "upload_code", payload).await?;
        Ok(code_hash)
    }

    /// Instantiates uploaded code; the new contract's address.
    pub async fn instantiate(
        &self,
        pair: &sr25519::Pair,
        code_hash: [u8; 32],
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<[u8; 32], ClientError> {
        let c = self.conn().await?;
        let origin = account_of(pair);
        // Code::Existing(hash) is variant 1 of `pallet_contracts::Code`.
        let args = (
            origin,
            0u128,
            None::<sp_weights::Weight>,
            None::<u128>,
            (1u8, code_hash),
            &data,
            &salt,
        )
            .encode();
        let dry: ContractResult<InstantiateReturnValue> = self
            .state_call(&c, "ContractsApi_instantiate", args, None)
            .await?;
        let predicted = match dry.result {
            Ok(v) if v.result.flags & REVERT == 0 => v.account_id,
            Ok(v) => {
                return Err(ClientError::Refused {
                    status: 409,
                    error: format!(
                        "constructor reverted with {}",
                        crate::hex::encode(v.result.data)
                    ),
                })
            }
            Err(e) => {
                return Err(ClientError::Refused {
                    status: 409,
                    error: format!("instantiate: {e:?}"),
                })
            }
        };
        let payload = subxt::dynamic::tx(
            "Contracts",
            "instantiate",
            vec![
                Value::u128(0),
                gas_limit(dry.gas_required),
                Value::unnamed_variant("None", []),
                Value::from_bytes(code_hash),
                Value::from_bytes(&data),
                Value::from_bytes(&salt),
            ],
        );
        let included = self.execute(pair, "instantiate", payload).await?;
        match included.instantiated {
            Some(address) if address == predicted => Ok(address),
            Some(address) => Err(Self::broken(
                "instantiate",
                format!(
                    "address {} differs from the dry run's {}",
                    crate::hex::encode(address),
                    crate::hex::encode(predicted)
                ),
            )),
            None => Err(Self::broken(
                "instantiate",
                "no Contracts::Instantiated event",
            )),
        }
    }

    /// Moves `amount` of the chain's native currency from `pair` to `to` (fees and storage
    /// deposits of the accounts that act).
    pub async fn transfer(
        &self,
        pair: &sr25519::Pair,
        to: [u8; 32],
        amount: u128,
    ) -> Result<(), ClientError> {
        let payload = subxt::dynamic::tx(
            "Balances",
            "transfer_keep_alive",
            vec![
                Value::unnamed_variant("Id", [Value::from_bytes(to)]),
                Value::u128(amount),
            ],
        );
        self.execute(pair, "transfer", payload).await.map(|_| ())
    }

    /// A `System::remark`: on a node that seals a block per transaction, one more block.
    pub async fn remark(&self, pair: &sr25519::Pair) -> Result<u32, ClientError> {
        let payload = subxt::dynamic::tx("System", "remark", vec![Value::from_bytes(b"")]);
        Ok(self.execute(pair, "remark", payload).await?.block)
    }

    /// `who`'s free native balance.
    pub async fn free_balance(&self, who: [u8; 32]) -> Result<u128, ClientError> {
        let c = self.conn().await?;
        let (best, _) = self.best(&c).await?;
        let address = subxt::dynamic::storage("System", "Account", vec![Value::from_bytes(who)]);
        let value = c
            .api
            .storage()
            .at(best)
            .fetch(&address)
            .await
            .map_err(|e| self.fail("System::Account", e))?;
        let Some(value) = value else { return Ok(0) };
        // AccountInfo { nonce, consumers, providers, sufficients: u32,
        //   data: AccountData { free: u128, .. } }
        let (_, _, _, _, free) = <(u32, u32, u32, u32, u128)>::decode(&mut value.encoded())
            .map_err(|e| Self::broken("System::Account", e))?;
        Ok(free)
    }
}
