//! The verifier service end to end on a sandbox chain: bad input refused before anything is
//! stored, items carried to final attestations with proofs that check against the on-chain
//! root, peers refusing to co-sign what they do not re-derive, and SIGKILL at random moments
//! losing nothing and attesting nothing twice.

use dynamis_deploy::{calls, hex};
use dynamis_proofs::{batch_leaf, verify_inclusion, Item, Verdict};
use dynamis_verifier::{
    crash,
    demo::{self, get_json, Options},
    gen::Generator,
    input::{to_json, SCALE_MAGIC},
    service::{
        self,
        chain::Status,
        store::Stats,
        wire::{Accepted, ApiError, CosignRequest, ItemStatus},
        Running,
    },
    Kind, Native,
};
use scale::Encode;
use sp_core::Pair;
use std::time::{Duration, Instant};

fn options(dir: &str) -> Options {
    Options {
        dir: std::env::temp_dir().join(format!("dynamis-test-{dir}-{}", std::process::id())),
        batch_items: 128,
        batch_wait_ms: 100,
        block_ms: 20,
        challenge_window: 10,
        ..Options::default()
    }
}

/// A sandbox chain with the suite, in a cleared test directory.
async fn fresh_chain(opts: &Options) -> dynamis_deploy::Launched {
    if opts.dir.exists() {
        std::fs::remove_dir_all(&opts.dir).expect("clear the test directory");
    }
    demo::chain_for(opts).await.expect("sandbox chain")
}

/// A sandbox chain and `n` in-process verifiers peering with each other.
async fn cluster(
    opts: &Options,
    n: u8,
    tune: impl Fn(&mut service::Config),
) -> (dynamis_deploy::Launched, Vec<Running>, Vec<String>) {
    let opts = Options {
        verifiers: n,
        ..opts.clone()
    };
    let launched = fresh_chain(&opts).await;
    let (bound, urls) = demo::listeners(n).await.expect("listeners");
    let mut running = Vec::new();
    for (i, listener) in (1..=n).zip(bound) {
        let mut config = demo::verifier_config(
            &opts,
            i,
            urls[usize::from(i) - 1].clone(),
            demo::peers_of(&urls, i),
        );
        tune(&mut config);
        running.push(service::start(config, listener).await.expect("service"));
    }
    demo::await_onboarded(&reqwest::Client::new(), &urls)
        .await
        .expect("verifiers onboarded");
    (launched, running, urls)
}

fn stop(launched: dynamis_deploy::Launched, running: Vec<Running>) {
    for r in running {
        r.stop();
    }
    launched.server.abort();
}

async fn post(
    http: &reqwest::Client,
    url: String,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, String) {
    let r = http
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request sent");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// The `x-dynamis-peer` header of a request signed with demo verifier `i`'s co-signing key.
fn signed_by(i: u8, contract: &[u8; 32], method: &str, path: &str, body: &[u8]) -> String {
    let key = sp_core::ecdsa::Pair::from_string(&demo::verifier_suri(i), None).expect("key");
    service::auth::sign_request(&key, contract, method, path, body)
}

/// Batches whatever `store`'s queue holds (up to `max`) as the batcher would, by hand, in
/// state `Verified`: the batch and its id.
fn batch_the_queue(store: &service::store::Store, max: usize) -> (dynamis_verifier::Batch, u64) {
    let peeked = store.peek_queue(max, usize::MAX).expect("queue");
    let seqs: Vec<u64> = peeked.items.iter().map(|e| e.0).collect();
    let items: Vec<Item> = peeked
        .items
        .iter()
        .map(|(_, _, row)| scale::Decode::decode(&mut &row.item[..]).expect("item"))
        .collect();
    let n = items.len();
    let batch = dynamis_verifier::Batch::verify(items);
    let (row, batch_items) =
        service::store::batch_record(&batch, dynamis_proofs::Regime::Session, 0, vec![0; n]);
    let id = store
        .commit_batch(&seqs, &row, &batch_items, batch.tree.levels_below_root())
        .expect("batch");
    (batch, id)
}

/// A one-verifier service whose items stay queued, fed `n` items, then stopped; `craft` turns
/// its queue into whatever stored state the test needs; then it is started again on the same
/// store. The restarted service, its URL, the items' digests and what `craft` returned.
async fn restarted_after<T>(
    opts: &Options,
    seed: u64,
    n: u64,
    craft: impl FnOnce(&service::store::Store) -> T,
) -> (dynamis_deploy::Launched, Running, String, Vec<[u8; 32]>, T) {
    let (launched, running, urls) = cluster(opts, 1, |c| c.batch.max_wait_ms = 600_000).await;
    // No kept-alive connections: they would keep the first life's handlers (and its store)
    // alive after it is stopped.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let gen = Generator::new(seed, &Kind::ALL, 0.1);
    let digests = bulk(&http, &urls[0], &gen, n).await.digests;
    let service = running[0].service.clone();
    for r in running {
        r.stop();
    }
    let crafted = craft(&service.store);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::sync::Arc::strong_count(&service) > 1 {
        assert!(
            Instant::now() < deadline,
            "the stopped service's tasks hold on"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let config = demo::verifier_config(opts, 1, url.clone(), Vec::new());
    let restarted = service::start(config, listener).await.expect("restart");
    demo::await_onboarded(&http, &[url.clone()])
        .await
        .expect("onboarded");
    (launched, restarted, url, digests, crafted)
}

fn error_of(body: &str) -> String {
    serde_json::from_str::<ApiError>(body)
        .map(|e| e.error)
        .unwrap_or_else(|_| body.to_string())
}

/// The value of the metric `name` (a counter, no labels) in a Prometheus exposition.
fn metric(exposition: &str, name: &str) -> Option<u64> {
    exposition.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == name).then(|| value.trim().parse().ok()).flatten()
    })
}

async fn metrics(http: &reqwest::Client, url: &str) -> String {
    let r = http
        .get(format!("{url}/metrics"))
        .send()
        .await
        .expect("metrics");
    r.text().await.expect("metrics text")
}

async fn stats(http: &reqwest::Client, url: &str) -> Stats {
    get_json(http, format!("{url}/stats")).await.expect("stats")
}

/// Waits until `url` has nothing left on its way to finality.
async fn drained(http: &reqwest::Client, url: &str) -> Stats {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let s = stats(http, url).await;
        if s.queued + s.verified + s.sent + s.attested == 0 {
            return s;
        }
        assert!(Instant::now() < deadline, "not drained: {s:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Posts generated items `0..n` to `url` in one bulk request, which must be accepted.
async fn bulk(
    http: &reqwest::Client,
    url: &str,
    gen: &Generator,
    n: u64,
) -> dynamis_verifier::service::wire::BulkAccepted {
    let lines: Vec<String> = (0..n).map(|i| to_json(&gen.item(i).0)).collect();
    let (got, text) = post(
        http,
        format!("{url}/items/bulk"),
        "application/x-ndjson",
        lines.join("\n"),
    )
    .await;
    assert_eq!(got, 202, "{text}");
    serde_json::from_str(&text).expect("bulk answer")
}

/// Waits (at most `secs`) until `url` counts `n` items final; its statistics then.
async fn final_at(http: &reqwest::Client, url: &str, n: u64, secs: u64) -> Stats {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let s = stats(http, url).await;
        if s.r#final == n {
            return s;
        }
        assert!(Instant::now() < deadline, "{n} items not final: {s:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_stored() {
    let opts = options("bad-input");
    let (launched, running, urls) = cluster(&opts, 1, |c| {
        c.api.max_body_bytes = 64 * 1024;
        c.api.max_bulk_items = 50;
        c.batch.max_bytes = 32 * 1024;
    })
    .await;
    let http = reqwest::Client::new();
    let url = &urls[0];
    let gen = Generator::new(3, &Kind::ALL, 0.0);
    let good = to_json(&gen.item(0).0);

    // (class, content type, body, expected status, words the reason must contain)
    let short_key = good.replacen("\"public\":\"0x", "\"public\":\"0x00", 1);
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"kind\": \"ed25519\",".to_vec(),
            400,
            "bad item",
        ),
        (
            "unknown kind",
            "application/json",
            br#"{"kind":"rsa","n":"0x00"}"#.to_vec(),
            400,
            "unknown variant",
        ),
        (
            "not UTF-8",
            "application/json",
            vec![0xff, 0xfe, 0x00],
            400,
            "UTF-8",
        ),
        (
            "wrong length",
            "application/json",
            short_key.clone().into_bytes(),
            400,
            "length",
        ),
        (
            "outside the shared limits",
            "application/json",
            format!(
                r#"{{"kind":"hash_chain","start":"0x{}","count":5000,"end":"0x{}"}}"#,
                "11".repeat(32),
                "22".repeat(32)
            )
            .into_bytes(),
            400,
            "limits",
        ),
        (
            "oversize body",
            "application/json",
            vec![b' '; 65 * 1024],
            413,
            "length limit exceeded",
        ),
    ];
    // Every 4xx answer below is one refusal the metrics must count.
    let mut refusals = 0u64;
    for (class, content_type, body, status, words) in cases {
        let (got, text) = post(&http, format!("{url}/items"), content_type, body).await;
        assert_eq!(got, status, "{class}: {text}");
        refusals += 1;
        assert!(
            error_of(&text).contains(words),
            "{class}: reason {text:?} lacks {words:?}"
        );
    }

    // Bulk: one bad line among good ones refuses the whole body, naming the line.
    let mut lines: Vec<String> = (1..6).map(|n| to_json(&gen.item(n).0)).collect();
    lines.insert(3, short_key);
    let (got, text) = post(
        &http,
        format!("{url}/items/bulk"),
        "application/x-ndjson",
        lines.join("\n"),
    )
    .await;
    assert_eq!(got, 400, "{text}");
    refusals += 1;
    assert!(error_of(&text).contains("line 4"), "{text}");
    // Too many items in one bulk.
    let many: String = (0..51)
        .map(|n| to_json(&gen.item(100 + n).0) + "\n")
        .collect();
    let (got, text) = post(
        &http,
        format!("{url}/items/bulk"),
        "application/x-ndjson",
        many,
    )
    .await;
    assert_eq!(got, 413, "{text}");
    refusals += 1;
    // A truncated SCALE body.
    let mut scale_body = SCALE_MAGIC.to_vec();
    scale_body.extend(scale::Compact(500u32).encode());
    scale_body.extend([1, 2, 3]);
    let (got, text) = post(
        &http,
        format!("{url}/items/bulk"),
        "application/octet-stream",
        scale_body,
    )
    .await;
    assert_eq!(got, 400, "{text}");
    refusals += 1;
    assert!(error_of(&text).contains("truncated"), "{text}");
    // Empty bulk.
    let (got, _) = post(
        &http,
        format!("{url}/items/bulk"),
        "application/x-ndjson",
        "\n",
    )
    .await;
    assert_eq!(got, 400);
    refusals += 1;
    // Bad digests.
    let r = http
        .get(format!("{url}/items/0xzz"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 400);
    refusals += 1;
    let r = http
        .get(format!("{url}/items/0x{}", "00".repeat(32)))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 404);
    refusals += 1;
    // A route that does not exist: the service's JSON 404.
    let r = http.get(format!("{url}/admin")).send().await.expect("get");
    assert_eq!(r.status().as_u16(), 404);
    let text = r.text().await.unwrap_or_default();
    assert_eq!(error_of(&text), "no such route", "{text}");
    refusals += 1;

    // Nothing of the above was stored, not even the good lines of the refused bulk.
    let s = stats(&http, url).await;
    assert_eq!(s.accepted(), 0, "{s:?}");
    for n in 1..6 {
        let digest = dynamis_proofs::item_digest::<Native>(&gen.item(n).0);
        let r = http
            .get(format!("{url}/items/{}", hex::encode(digest)))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 404);
        refusals += 1;
    }
    // Malformed JSON to the audit route is axum's rejection, answered and counted as ours;
    // bytes that are no co-signing request are refused by the route itself.
    let (got, text) = post(
        &http,
        format!("{url}/audit"),
        "application/json",
        "{\"attestation\":",
    )
    .await;
    assert_eq!(got, 400, "{text}");
    assert!(serde_json::from_str::<ApiError>(&text).is_ok(), "{text}");
    refusals += 1;
    let contract = running[0].service.chain.attestations;
    let garbage = vec![0xffu8; 16];
    let r = http
        .post(format!("{url}/cosign"))
        .header("content-type", "application/octet-stream")
        .header(
            service::auth::PEER_HEADER,
            signed_by(1, &contract, "POST", "/cosign", &garbage),
        )
        .body(garbage)
        .send()
        .await
        .expect("cosign");
    let got = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(got, 400, "{text}");
    assert!(
        error_of(&text).contains("not a SCALE co-signing request"),
        "{text}"
    );
    refusals += 1;
    let metrics = metrics(&http, url).await;
    assert_eq!(
        metric(&metrics, "dynamis_verifier_requests_refused_total"),
        Some(refusals),
        "{metrics}"
    );

    // A good item is accepted, then reaches a final attestation with a proof of its verdict.
    let (got, text) = post(
        &http,
        format!("{url}/items"),
        "application/json",
        good.clone(),
    )
    .await;
    assert_eq!(got, 202, "{text}");
    let accepted: Accepted = serde_json::from_str(&text).expect("accepted");
    assert!(!accepted.duplicate);
    let (got, text) = post(&http, format!("{url}/items"), "application/json", good).await;
    assert_eq!(got, 202);
    assert!(
        serde_json::from_str::<Accepted>(&text)
            .expect("accepted")
            .duplicate
    );
    drained(&http, url).await;
    let status: ItemStatus = get_json(
        &http,
        format!("{url}/items/{}", hex::encode(accepted.digest)),
    )
    .await
    .expect("status");
    assert_eq!(status.state, "final");
    let proof = status.proof.expect("proof");
    let leaf = batch_leaf::<Native>(&accepted.digest, Verdict::Valid);
    assert!(proof.valid);
    assert!(verify_inclusion::<Native>(
        &leaf,
        proof.index,
        proof.size,
        &proof.path,
        &proof.root
    ));
    let record = running[0]
        .service
        .chain
        .attestation(status.attestation.expect("attestation id"))
        .await
        .expect("chain")
        .expect("record");
    assert_eq!(record.root, proof.root);
    assert_eq!(record.status, Status::Final);

    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_peers_carry_every_item_to_a_final_attestation_once() {
    let opts = options("cluster");
    // No hedge within the test: each leader asks exactly the one peer the threshold needs.
    let (launched, running, urls) = cluster(&opts, 3, |c| c.batch.cosign_hedge_ms = 60_000).await;
    let http = reqwest::Client::new();
    let gen = Generator::new(11, &Kind::ALL, 0.05);
    let bar = indicatif::ProgressBar::hidden();
    let accepted = demo::feed(&http, &urls, &gen, 900, 150, &bar)
        .await
        .expect("fed");
    let mut total = Stats::default();
    for url in &urls {
        let s = drained(&http, url).await;
        assert_eq!(s.failed + s.rejected, 0, "{url}: {s:?}");
        total.r#final += s.r#final;
        total.batches += s.batches;
        total.cosigned += s.cosigned;
    }
    assert_eq!(total.r#final, accepted);
    // Every batch was re-verified and co-signed by one peer (2 of 3 required: the leader and
    // one peer; the third is not asked) and attested exactly once.
    let chain = &running[0].service.chain;
    // Two of three equal stakes carry the two-thirds threshold, one does not.
    let (one, need) = (
        chain.weight_of(chain.me).await.expect("chain"),
        chain.required_weight().await.expect("chain"),
    );
    assert!(one < need && 2 * one >= need, "{one} of {need}");
    let (mut attestations, mut items) = (0u64, 0u64);
    while let Some(record) = chain.attestation(attestations).await.expect("chain") {
        assert_eq!(record.status, Status::Final);
        assert_eq!(record.signers.len(), 2);
        items += record.items;
        attestations += 1;
    }
    assert_eq!(attestations, total.batches);
    assert_eq!(total.cosigned, total.batches);
    let mut asked = 0;
    for url in &urls {
        asked += metric(
            &metrics(&http, url).await,
            "dynamis_verifier_cosign_asked_total",
        )
        .expect("cosign_asked_total");
    }
    assert_eq!(asked, total.batches);
    assert_eq!(items, accepted);
    // Capacity was credited to the co-signers: the epochs' totals (final later) count it.
    let epoch = chain.current_epoch().await.expect("chain");
    let mut credited = 0u128;
    for e in epoch.saturating_sub(1)..=epoch {
        let totals: attestations::EpochTotals = chain
            .query(chain.attestations, calls::attestations::TOTALS, e)
            .await
            .expect("chain");
        credited += totals.capacity;
    }
    assert!(credited > 0);
    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_peer_refuses_to_cosign_what_it_does_not_rederive() {
    let opts = options("cosign");
    let (launched, running, urls) = cluster(&opts, 1, |_| {}).await;
    let http = reqwest::Client::new();
    let gen = Generator::new(5, &[Kind::HashChain], 0.0);
    let items: Vec<Item> = (0..8).map(|n| gen.item(n).0).collect();
    let batch = dynamis_verifier::Batch::verify(items);
    let honest = CosignRequest {
        attestation: batch.attestation(0, dynamis_proofs::Regime::Session),
        items: batch.items.iter().map(|i| i.encode()).collect(),
    };
    let contract = running[0].service.chain.attestations;
    let cosign = |request: Vec<u8>| {
        http.post(format!("{}/cosign", urls[0]))
            .header("content-type", "application/octet-stream")
            .header(
                service::auth::PEER_HEADER,
                signed_by(1, &contract, "POST", "/cosign", &request),
            )
            .body(request)
            .send()
    };
    let r = cosign(honest.encode()).await.expect("cosign");
    assert_eq!(r.status().as_u16(), 200);
    // Hash chains claimed as ECDSA signatures: twice the capacity.
    let mut inflated = honest.clone();
    inflated.attestation.valid = [0u64; 5];
    inflated.attestation.valid[Kind::Ecdsa.index()] =
        honest.attestation.valid[Kind::HashChain.index()];
    let r = cosign(inflated.encode()).await.expect("cosign");
    assert_eq!(r.status().as_u16(), 409);
    assert!(error_of(&r.text().await.unwrap_or_default()).contains("disagree"));
    let garbled = CosignRequest {
        items: vec![vec![1, 2]],
        ..honest.clone()
    };
    let r = cosign(garbled.encode()).await.expect("cosign");
    assert_eq!(r.status().as_u16(), 400);
    // Bytes after the request, and bytes that are no request at all.
    let mut trailing = honest.encode();
    trailing.push(0);
    let r = cosign(trailing).await.expect("cosign");
    assert_eq!(r.status().as_u16(), 400);
    let r = cosign(vec![0xff; 40]).await.expect("cosign");
    assert_eq!(r.status().as_u16(), 400);
    let text = r.text().await.unwrap_or_default();
    assert!(
        error_of(&text).contains("not a SCALE co-signing request"),
        "{text}"
    );
    assert_eq!(stats(&http, &urls[0]).await.cosigned, 1);
    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_random_moments_loses_no_accepted_item_and_attests_none_twice() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dynamis-verifier"));
    let dir = std::env::temp_dir().join(format!("dynamis-test-crash-{}", std::process::id()));
    let report = crash::run(bin, dir, 4, 42).await.expect("crash run");
    println!("{report:?}");
    assert_eq!(report.kills, 4);
    assert!(report.acknowledged > 0, "{report:?}");
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(report.r#final, report.acknowledged);
    assert_eq!(report.duplicates, 0, "{report:?}");
    assert_eq!(report.attested_items, report.stored, "{report:?}");
}

/// The leader killed at each point of an item's way (stored before its 202, batched, co-signed,
/// its transaction stored, included) and a peer killed as it co-signs: nothing acknowledged is
/// lost (each item's proof holds against a final on-chain root), nothing attested twice, and
/// the stored transaction is sent again or rebuilt.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_at_each_chosen_point_loses_nothing_and_attests_nothing_twice() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dynamis-verifier"));
    let dir = std::env::temp_dir().join(format!("dynamis-test-points-{}", std::process::id()));
    let points = [
        (1, "intake-stored"),
        (1, "batch-committed"),
        (1, "cosigned"),
        (1, "submit-stored"),
        (1, "submit-included"),
        (2, "cosign-given"),
    ];
    let report = crash::run_points(bin, dir, &points, 7)
        .await
        .expect("crash run");
    println!("{report:?}");
    assert_eq!(report.kills, 6);
    assert!(report.acknowledged > 0, "{report:?}");
    assert_eq!((report.lost, report.duplicates), (0, 0), "{report:?}");
    assert_eq!(report.r#final, report.acknowledged);
    assert_eq!(report.attested_items, report.stored, "{report:?}");
    // The one transaction stored and not sent (at `submit-stored`) went out after the restart,
    // as it was or rebuilt (when a finalisation took its nonce first).
    assert_eq!(report.resent + report.rebuilt, 1, "{report:?}");
}

/// The check above can fail: with the store's fsync skipped (non-durable commits) a SIGKILL
/// loses acknowledged items, and the crash check reports them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_skipped_fsync_is_caught_by_the_crash_check() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dynamis-verifier"));
    let dir = std::env::temp_dir().join(format!("dynamis-test-nofsync-{}", std::process::id()));
    let report = crash::run_points(bin, dir, &[(1, "skip-fsync")], 9)
        .await
        .expect("crash run");
    println!("{report:?}");
    assert!(report.acknowledged > 0, "{report:?}");
    assert!(
        report.lost > 0,
        "a skipped fsync went unnoticed: {report:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn items_accepted_while_the_chain_is_down_are_attested_once_it_is_back() {
    let opts = Options {
        verifiers: 1,
        ..options("chain-down")
    };
    let launched = fresh_chain(&opts).await;
    // The verifier is pointed at an address where the chain is not served yet.
    let down = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    let addr = down.local_addr().expect("address");
    drop(down);
    let (mut bound, urls) = demo::listeners(1).await.expect("listener");
    let mut config = demo::verifier_config(&opts, 1, urls[0].clone(), Vec::new());
    config.chain_url = Some(format!("http://{addr}"));
    config.retry.initial_ms = 50;
    config.retry.max_ms = 400;
    let running = service::start(config, bound.remove(0))
        .await
        .expect("service");
    let http = reqwest::Client::new();
    let gen = Generator::new(17, &Kind::ALL, 0.0);
    let bar = indicatif::ProgressBar::hidden();
    let accepted = demo::feed(&http, &urls, &gen, 300, 100, &bar)
        .await
        .expect("intake does not need the chain");
    // The batches close and are verified; onboarding, co-signing and submission fail and are
    // retried with backoff.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let s = stats(&http, &urls[0]).await;
    assert_eq!(s.r#final + s.attested + s.sent, 0, "{s:?}");
    assert_eq!(s.accepted(), accepted, "{s:?}");
    assert!(s.verified > 0, "{s:?}");
    let metrics = metrics(&http, &urls[0]).await;
    let errors = metric(&metrics, "dynamis_verifier_chain_errors_total");
    assert!(errors.is_some_and(|n| n > 0), "{metrics}");
    // The chain comes up at that address.
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let server = tokio::spawn(dynamis_deploy::gateway::serve(
        launched.node.clone(),
        listener,
    ));
    let s = drained(&http, &urls[0]).await;
    assert_eq!(s.r#final, accepted, "{s:?}");
    running.stop();
    server.abort();
    launched.server.abort();
}

/// Both crash windows of a submission, set up exactly: a batch whose submit transaction was
/// stored but never sent, and one whose transaction was sent and included but whose inclusion
/// was never recorded. On restart the first is sent (the same transaction), the second is
/// found on chain; each batch ends in exactly one final attestation.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stored_submission_is_sent_or_found_after_a_crash_never_duplicated() {
    use dynamis_deploy::calls::call_data;
    use dynamis_verifier::service::{
        chain::Contracts,
        store::{BatchState, Store, StoreError},
    };
    let opts = Options {
        verifiers: 1,
        ..options("windows")
    };
    let launched = fresh_chain(&opts).await;
    let (mut bound, urls) = demo::listeners(1).await.expect("listener");
    let config = demo::verifier_config(&opts, 1, urls[0].clone(), Vec::new());
    // First life: bond and register, then stop.
    let running = service::start(config.clone(), bound.remove(0))
        .await
        .expect("service");
    // No kept-alive connections: they would keep the first life's handlers (and its store)
    // alive after it is stopped.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    demo::await_onboarded(&http, &urls)
        .await
        .expect("onboarded");
    let service = running.service.clone();
    running.stop();
    while std::sync::Arc::strong_count(&service) > 1 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(service);

    // The state a crash leaves: two batches, each with its submit transaction stored.
    let manifest = dynamis_deploy::Manifest::load(&config.manifest).expect("manifest");
    let keys = config.keys().expect("keys");
    let account = dynamis_deploy::tx::signer(keys.account_suri.expose()).expect("key");
    let chain = Contracts::new(&manifest, &launched.url, account).expect("chain");
    let key = sp_core::ecdsa::Pair::from_string(keys.key_suri.expose(), None).expect("key");
    let store = Store::open(&config.store).expect("store");
    let gen = Generator::new(23, &[Kind::HashChain], 0.0);
    let mut roots = Vec::new();
    // Batch 1 is sent (nonce n); batches 0 and 2 are stored unsent, both signed with nonce
    // n + 1 (nothing of this account was included in between): after the restart one of them
    // is sent again as it is, the other finds its nonce taken and is rebuilt.
    for (b, sent) in [(1u64, true), (0, false), (2, false)] {
        let items: Vec<Item> = (0..16).map(|n| gen.item(100 * b + n).0).collect();
        let keyed: Vec<_> = items
            .iter()
            .map(|i| (dynamis_proofs::item_digest::<Native>(i), i.encode()))
            .collect();
        store.accept(&keyed, 0).expect("accept");
        let (batch, id) = batch_the_queue(&store, 16);
        let attestation = batch.attestation(
            chain.current_epoch().await.expect("epoch"),
            dynamis_proofs::Regime::Session,
        );
        let signature = dynamis_verifier::attest::sign(&key, &chain.attestations, &attestation);
        let data = call_data(calls::attestations::SUBMIT, (attestation, vec![signature]));
        let result = chain
            .transact(chain.attestations, data, |tx| {
                store.set_state(id, BatchState::Sent { tx: tx.clone() })?;
                if sent {
                    Ok(())
                } else {
                    Err(StoreError::Db(
                        "killed after storing, before sending".into(),
                    ))
                }
            })
            .await;
        assert_eq!(result.is_ok(), sent);
        roots.push(batch.root());
    }
    assert!(chain.id_of_root(roots[0]).await.expect("chain").is_some());
    assert_eq!(chain.id_of_root(roots[1]).await.expect("chain"), None);
    assert_eq!(chain.id_of_root(roots[2]).await.expect("chain"), None);
    drop(store);

    // Second life on the same store.
    let (mut bound, urls) = demo::listeners(1).await.expect("listener");
    let mut config = config;
    config.listen = urls[0].clone();
    let running = service::start(config, bound.remove(0))
        .await
        .expect("service");
    let s = drained(&http, &urls[0]).await;
    assert_eq!((s.r#final, s.failed, s.rejected), (48, 0, 0), "{s:?}");
    let mut on_chain = Vec::new();
    let mut id = 0;
    while let Some(record) = chain.attestation(id).await.expect("chain") {
        assert_eq!(record.status, Status::Final);
        on_chain.push(record.root);
        id += 1;
    }
    on_chain.sort_unstable();
    roots.sort_unstable();
    assert_eq!(on_chain, roots, "each batch attested exactly once");
    let metrics = metrics(&http, &urls[0]).await;
    // Exactly one resend that the chain took, one rebuild: both paths ran.
    assert_eq!(
        (
            metric(&metrics, "dynamis_verifier_attestations_resent_total"),
            metric(&metrics, "dynamis_verifier_attestations_rebuilt_total")
        ),
        (Some(1), Some(1)),
        "{metrics}"
    );
    running.stop();
    launched.server.abort();
}

/// A data request on a verifier's own attestation is answered by the service from its store
/// (else anyone could have it rejected and its co-signers slashed for 10 DYN), and the
/// attestation goes on to final.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_data_request_on_an_own_attestation_is_answered_and_it_goes_final() {
    use dynamis_deploy::{calls::call_data, tx::signer, Manifest};
    use dynamis_verifier::service::chain::{outcome, AttestationError, Contracts};
    let opts = Options {
        challenge_window: 250,
        ..options("answer")
    };
    let (launched, running, urls) = cluster(&opts, 1, |_| {}).await;
    let http = reqwest::Client::new();
    let gen = Generator::new(21, &[Kind::HashChain, Kind::Ed25519], 0.1);
    let bar = indicatif::ProgressBar::hidden();
    demo::feed(&http, &urls, &gen, 40, 40, &bar)
        .await
        .expect("fed");
    let chain = &running[0].service.chain;
    let deadline = Instant::now() + Duration::from_secs(60);
    let record = loop {
        if let Some(r) = chain.attestation(0).await.expect("chain") {
            break r;
        }
        assert!(Instant::now() < deadline, "nothing attested");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(record.status, Status::Pending);
    // The genesis holder asks for item 3, inside the window.
    let manifest = Manifest::load(&opts.dir.join("deployment.json")).expect("manifest");
    let bob = Contracts::new(
        &manifest,
        &launched.url,
        signer(demo::GENESIS_SURI).expect("dev key"),
    )
    .expect("chain");
    let deposit = manifest.attestation_params.request_deposit;
    let approve = call_data(
        calls::token::APPROVE,
        (calls::account(bob.attestations), deposit),
    );
    bob.transact(bob.token, approve, |_| Ok(()))
        .await
        .expect("approved");
    let before: u128 = bob
        .query(bob.token, calls::token::TOTAL_SUPPLY, ())
        .await
        .expect("supply");
    let receipt = bob
        .transact(
            bob.attestations,
            call_data(calls::attestations::REQUEST_ITEM, (0u64, 3u64)),
            |_| Ok(()),
        )
        .await
        .expect("sent");
    assert_eq!(
        outcome::<Result<(), AttestationError>>(&receipt),
        Ok(Ok(())),
        "requested inside the window"
    );
    // The service answers; then it finalises as usual.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let record = chain.attestation(0).await.expect("chain").expect("record");
        if record.status == Status::Final {
            assert!(record.requests.is_empty());
            break;
        }
        assert_ne!(
            record.status,
            Status::Rejected,
            "the request went unanswered"
        );
        assert!(Instant::now() < deadline, "not final: {record:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open: Option<attestations::Request> = bob
        .query(bob.attestations, calls::attestations::REQUEST, (0u64, 3u64))
        .await
        .expect("query");
    assert_eq!(open, None);
    let after: u128 = bob
        .query(bob.token, calls::token::TOTAL_SUPPLY, ())
        .await
        .expect("supply");
    assert_eq!(
        after,
        before - deposit,
        "the answered request's deposit burned"
    );
    stop(launched, running);
}

/// One batch whose step fails every time (its item is gone from the store) and one queued
/// entry that cannot be decoded, both ahead of the good items: neither stops the pipeline.
/// The bad entry is quarantined and reported, the bad batch is retried on its own backoff, and
/// every good item reaches a final attestation behind them.
/// The driver sleeps until the block that closes an attestation's window is due, not a poll
/// later: counted in blocks (the chain's timer runs on, however loaded the machine), a batch is
/// final within two blocks of its window closing (five in the first round, while the driver's
/// clock has seen few heads) although the driver's poll is 20 blocks long.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_attestation_is_finalised_when_its_window_closes_not_a_poll_later() {
    let opts = Options {
        block_ms: 50,
        challenge_window: 4,
        batch_items: 16,
        ..options("window")
    };
    let (launched, running, urls) = cluster(&opts, 1, |c| c.watch.poll_ms = 1_000).await;
    let http = reqwest::Client::new();
    let chain = &running[0].service.chain;
    let gen = Generator::new(5, &[Kind::HashChain], 0.0);
    for round in 0..3u64 {
        let before = stats(&http, &urls[0]).await.r#final;
        let lines: Vec<String> = (0..16)
            .map(|i| to_json(&gen.item(round * 16 + i).0))
            .collect();
        let (got, text) = post(
            &http,
            format!("{}/items/bulk", urls[0]),
            "application/x-ndjson",
            lines.join("\n"),
        )
        .await;
        assert_eq!(got, 202, "{text}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let final_block = loop {
            if stats(&http, &urls[0]).await.r#final == before + 16 {
                break chain.block().await.expect("chain");
            }
            assert!(Instant::now() < deadline, "batch {round} not final");
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let record = chain
            .attestation(round)
            .await
            .expect("chain")
            .expect("the round's attestation");
        assert_eq!(record.status, Status::Final);
        // Finalisable from block submitted_at + window + 1; a poll of 1 s is 20 blocks. In the
        // first round the clock has seen few heads (some read late, during onboarding) and may
        // expect the block up to a few blocks late; after that, within two.
        let closes = record.submitted_at + opts.challenge_window + 1;
        let slack = if round == 0 { 5 } else { 2 };
        assert!(
            final_block <= closes + slack,
            "round {round}: final seen at block {final_block}, window closed at {closes}"
        );
    }
    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_batch_or_an_undecodable_row_never_stops_the_others() {
    use dynamis_verifier::service::store::{BatchItems, BatchRow, BatchState};
    let opts = options("isolation");
    let garbage_digest = [0xeeu8; 32];
    // After every verifier is onboarded, so that verifier 1's stake alone is short of the
    // threshold and batch 0 needs the items it does not have.
    let (launched, running, urls) = cluster(&opts, 3, |_| {}).await;
    let store = &running[0].service.store;
    // Batch 0: verified, waiting for co-signatures, its item missing from the store.
    let row = BatchRow {
        root: [7; 32],
        items: 1,
        valid: [0, 0, 0, 0, 1],
        regime: dynamis_proofs::Regime::Session,
        created_ms: 0,
        state: BatchState::Verified,
    };
    let items = BatchItems {
        digests: vec![[9; 32]],
        valid: vec![true],
        received_ms: vec![0],
    };
    let levels = dynamis_verifier::batch::levels_of(&items.digests, &items.valid);
    assert_eq!(
        store
            .commit_batch(&[], &row, &items, &levels)
            .expect("batch"),
        0
    );
    // Queue entry 0: bytes that are no item.
    store
        .accept(&[(garbage_digest, vec![0xff, 0x01])], 0)
        .expect("accept");
    let http = reqwest::Client::new();
    let gen = Generator::new(17, &Kind::ALL, 0.05);
    let accepted = bulk(&http, &urls[0], &gen, 300).await.accepted as u64;
    // Good items are not stuck behind the bad ones.
    let s = final_at(&http, &urls[0], accepted, 240).await;
    // The bad batch is still waiting (1 item), the bad entry quarantined, nothing lost.
    assert_eq!((s.verified, s.quarantined, s.queued), (1, 1, 0), "{s:?}");
    assert_eq!(s.accepted(), accepted + 2, "{s:?}");
    let quarantined = running[0].service.store.quarantined().expect("store");
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].1, garbage_digest.to_vec());
    assert!(
        quarantined[0].2.contains("undecodable"),
        "{:?}",
        quarantined[0]
    );
    let metrics = metrics(&http, &urls[0]).await;
    assert_eq!(
        metric(&metrics, "dynamis_verifier_items_quarantined_total"),
        Some(1)
    );
    // Retried on its backoff, not on every pass: a handful of attempts, not hundreds.
    let errors = metric(&metrics, "dynamis_verifier_batch_errors_total").expect("metric");
    assert!((1..=40).contains(&errors), "{errors} attempts: {metrics}");
    stop(launched, running);
}

/// A stand-in peer that answers every co-signing request with 65 bytes that are no
/// signature, and counts the requests. Its URL.
async fn forging_peer(asked: std::sync::Arc<std::sync::atomic::AtomicU64>) -> String {
    use axum::{routing::post, Json, Router};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = Router::new().route(
        "/cosign",
        post(move || {
            let asked = asked.clone();
            async move {
                asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Json(service::wire::CosignResponse {
                    signature: [0x42; 65],
                    verifier: [1; 32],
                })
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn peers_and_clients_prove_who_they_are() {
    use service::auth::PEER_HEADER;
    let opts = options("auth");
    let token = "test-token-0123456789";
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let forger = forging_peer(asked.clone()).await;
    let forger_url = forger.clone();
    // Verifier 1 takes clients with a token only, and has a forging peer beside verifier 2
    // (unidentified, so asked only as a hedge: after 1 ms without verifier 2's answer, always).
    let (launched, running, urls) = cluster(&opts, 2, move |c| {
        if c.store.ends_with("verifier-1.redb") {
            if let Some(keys) = c.keys.as_mut() {
                keys.api_token = Some(service::Secret::new(token));
            }
            c.peers.insert(0, forger_url.clone());
            c.batch.cosign_hedge_ms = 1;
        }
    })
    .await;
    let http = reqwest::Client::new();
    let url = &urls[0];
    let contract = running[0].service.chain.attestations;
    let gen = Generator::new(29, &Kind::ALL, 0.0);
    let item = to_json(&gen.item(0).0);
    let send = |path: &str, auth: Option<(&'static str, String)>, body: Vec<u8>| {
        let mut r = http
            .post(format!("{url}{path}"))
            .header("content-type", "application/octet-stream");
        if let Some((name, value)) = auth {
            r = r.header(name, value);
        }
        r.body(body).send()
    };
    let status_of = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        (status, error_of(&r.text().await.unwrap_or_default()))
    };

    // Clients: no token, a wrong one (even from loopback, once a token is configured).
    let mut client_refusals = 0;
    for (auth, want) in [
        (
            None,
            "this route takes the API token: Authorization: Bearer <token>",
        ),
        (
            Some(("authorization", "Bearer test-token-0123456780".to_string())),
            "wrong API token",
        ),
        (
            Some(("authorization", token.to_string())),
            "this route takes the API token: Authorization: Bearer <token>",
        ),
    ] {
        for path in ["/items", "/items/bulk", "/audit"] {
            let got = status_of(
                send(path, auth.clone(), item.clone().into_bytes())
                    .await
                    .expect("post"),
            )
            .await;
            assert_eq!(got, (401, want.to_string()), "{path}");
            client_refusals += 1;
        }
    }
    let r = http
        .get(format!("{url}/batches/{}", hex::encode([5u8; 32])))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 401);
    client_refusals += 1;
    assert_eq!(stats(&http, url).await.accepted(), 0);

    // Peers: unsigned, signed by a key no verifier registered, a signature carried over to
    // another body, one made too long ago.
    let body = b"any request".to_vec();
    let stranger = sp_core::ecdsa::Pair::from_string("//Stranger", None).expect("key");
    let old = {
        let at = service::now_ms() - 2 * service::auth::MAX_SKEW_MS;
        let key = sp_core::ecdsa::Pair::from_string(&demo::verifier_suri(2), None).expect("key");
        let digest = service::auth::request_digest(&contract, "POST", "/cosign", at, &body);
        format!("{at}:{}", hex::encode(key.sign_prehashed(&digest).0))
    };
    let cases = [
        (
            None,
            401,
            "no x-dynamis-peer header: peer requests are signed with a registered co-signing key",
        ),
        (
            Some(service::auth::sign_request(
                &stranger, &contract, "POST", "/cosign", &body,
            )),
            403,
            "the signing key is registered by no verifier",
        ),
        (
            Some(signed_by(
                2,
                &contract,
                "POST",
                "/cosign",
                b"another request",
            )),
            403,
            "the signing key is registered by no verifier",
        ),
        (
            Some(signed_by(2, &[0; 32], "POST", "/cosign", &body)),
            403,
            "the signing key is registered by no verifier",
        ),
        (Some(old), 401, ""),
        (
            Some("12:zz".to_string()),
            401,
            "x-dynamis-peer is not `<milliseconds>:<signature hex>`",
        ),
    ];
    let peer_refusals = cases.len() as u64;
    for (auth, status, want) in cases {
        let (got, error) = status_of(
            send("/cosign", auth.map(|a| (PEER_HEADER, a)), body.clone())
                .await
                .expect("post"),
        )
        .await;
        assert_eq!(got, status, "{error}");
        if want.is_empty() {
            assert!(error.starts_with("the request was signed "), "{error}");
        } else {
            assert_eq!(error, want);
        }
    }
    // An unsigned request is refused before its body is read: one whose body never comes is
    // answered at once, not after the timeout.
    let started = Instant::now();
    let mut stalled = stalled_request(&running[0].addr.to_string(), "/cosign").await;
    let (status, answer) = answer_of(&mut stalled).await;
    assert!(status.starts_with("HTTP/1.1 401"), "{status}");
    assert!(
        error_of(&answer).starts_with("no x-dynamis-peer header"),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let peer_refusals = peer_refusals + 1;
    // Verifier 2's signed request gets past the gate (and is then read: not a request).
    let (got, error) = status_of(
        send(
            "/cosign",
            Some((
                PEER_HEADER,
                signed_by(2, &contract, "POST", "/cosign", &body),
            )),
            body.clone(),
        )
        .await
        .expect("post"),
    )
    .await;
    assert_eq!(got, 400, "{error}");
    assert!(
        error.starts_with("not a SCALE co-signing request"),
        "{error}"
    );
    let path = format!("/batches/{}", hex::encode([5u8; 32]));
    let r = http
        .get(format!("{url}{path}"))
        .header(PEER_HEADER, signed_by(2, &contract, "GET", &path, b""))
        .send()
        .await
        .expect("get");
    assert_eq!(
        r.status().as_u16(),
        404,
        "a peer is let through to the lookup"
    );

    // Identity: verifier 1 proves its account to verifier 2 over a fresh challenge; a stand-in
    // that names verifier 1's account cannot.
    let v1 = running[0].service.chain.me;
    let proven = service::watch::identify(&running[1].service, url).await;
    assert_eq!(proven.ok(), Some(v1));
    let impostor = {
        use axum::{routing::get, Json, Router};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let at = format!("http://{}", listener.local_addr().expect("addr"));
        let claim = service::wire::Health {
            status: "ok".into(),
            account: v1,
            key: dynamis_verifier::attest::public_key(&running[0].service.key),
            registered: true,
            queue: 0,
            proof: Some(hex::encode(stranger.sign_prehashed(&[0; 32]).0)),
        };
        let app = Router::new().route("/health", get(move || async move { Json(claim.clone()) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        at
    };
    assert!(matches!(
        service::watch::identify(&running[1].service, &impostor).await,
        Err(service::watch::Identity::False(_))
    ));

    // With the token, items go in; the forger's signatures are dropped and counted against it,
    // and verifier 2's carry every batch to final.
    let lines: Vec<String> = (0..200).map(|n| to_json(&gen.item(n).0)).collect();
    let r = http
        .post(format!("{url}/items/bulk"))
        .header("content-type", "application/x-ndjson")
        .header("authorization", format!("Bearer {token}"))
        .body(lines.join("\n"))
        .send()
        .await
        .expect("bulk");
    assert_eq!(r.status().as_u16(), 202);
    let accepted = r
        .json::<dynamis_verifier::service::wire::BulkAccepted>()
        .await
        .expect("bulk")
        .accepted as u64;
    assert!(accepted >= 190, "{accepted} of 200 were new");
    final_at(&http, url, accepted, 180).await;
    let metrics = metrics(&http, url).await;
    let forged = asked.load(std::sync::atomic::Ordering::SeqCst);
    assert!(forged >= 1, "the forger was never asked");
    assert_eq!(
        metric(
            &metrics,
            &format!("dynamis_verifier_peer_answers_refused_total{{peer=\"{forger}\"}}")
        ),
        Some(forged),
        "{metrics}"
    );
    assert_eq!(
        metric(&metrics, "dynamis_verifier_client_auth_refused_total"),
        Some(client_refusals)
    );
    assert_eq!(
        metric(&metrics, "dynamis_verifier_peer_auth_refused_total"),
        Some(peer_refusals)
    );
    stop(launched, running);
}

/// Opens a connection to `addr` and sends a request's head promising a body it never sends.
async fn stalled_request(addr: &str, path: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream
}

/// The status line and body of what the server answered on `stream`.
async fn answer_of(stream: &mut tokio::net::TcpStream) -> (String, String) {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    // One response, small: read until the body's JSON has closed or the server hangs up.
    while !got.ends_with(b"}") {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => panic!("read: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&got).to_string();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_or_greedy_client_is_cut_off_and_told_when_to_come_back() {
    let opts = options("limits");
    let (launched, running, urls) = cluster(&opts, 1, |c| {
        c.api.timeout_ms = 500;
        c.api.max_concurrent = 2;
        c.api.max_queue = 20;
        // Items stay queued: the queue's depth is the test's to set.
        c.batch.max_wait_ms = 600_000;
    })
    .await;
    let http = reqwest::Client::new();
    let url = &urls[0];
    let addr = running[0].addr.to_string();

    // A body that never comes: cut off after the timeout with the service's error.
    let started = Instant::now();
    let mut slow = stalled_request(&addr, "/items/bulk").await;
    let (status, body) = answer_of(&mut slow).await;
    let waited = started.elapsed();
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    assert_eq!(error_of(&body), "not answered within 500 ms");
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
        "{waited:?}"
    );

    // Two stalled requests hold the route's two places: a third is shed at once, told when
    // to come back; another route is served meanwhile.
    let mut held = [
        stalled_request(&addr, "/items").await,
        stalled_request(&addr, "/items").await,
    ];
    tokio::time::sleep(Duration::from_millis(150)).await;
    let item = to_json(&Generator::new(31, &Kind::ALL, 0.0).item(0).0);
    let r = http
        .post(format!("{url}/items"))
        .body(item.clone())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(
        r.headers()
            .get("retry-after")
            .map(|v| v.as_bytes().to_vec()),
        Some(b"1".to_vec())
    );
    assert!(error_of(&r.text().await.unwrap_or_default()).contains("retry shortly"));
    let r = http
        .get(format!("{url}/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(r.status().as_u16(), 200, "another route is not starved");
    for stream in &mut held {
        let (status, _) = answer_of(stream).await;
        assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    }

    // Twenty items fill the queue to its limit: the next intake is told to come back after
    // about one batch's wait (600 s here), and nothing of it is stored.
    let gen = Generator::new(37, &Kind::ALL, 0.0);
    bulk(&http, url, &gen, 20).await;
    let r = http
        .post(format!("{url}/items"))
        .body(item)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(
        r.headers()
            .get("retry-after")
            .map(|v| v.as_bytes().to_vec()),
        Some(b"600".to_vec())
    );
    assert_eq!(stats(&http, url).await.queued, 20);
    let metrics = metrics(&http, url).await;
    assert_eq!(
        metric(&metrics, "dynamis_verifier_requests_timed_out_total"),
        Some(3),
        "{metrics}"
    );
    assert_eq!(
        metric(&metrics, "dynamis_verifier_requests_shed_total"),
        Some(2),
        "{metrics}"
    );
    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_batch_is_reported_with_its_reason_and_the_operator_requeues_it() {
    use dynamis_verifier::service::store::BatchState;
    let opts = options("requeue");
    let reason = "TooManySignatures (set by the test)".to_string();
    // Its queue becomes one batch the chain refused for good.
    let (launched, restarted, url, digests, ()) = restarted_after(&opts, 41, 40, |store| {
        let (batch, id) = batch_the_queue(store, 4_096);
        assert_eq!(batch.len(), 40);
        let failed = BatchState::Failed {
            reason: reason.clone(),
        };
        store.set_state(id, failed).expect("fail");
    })
    .await;
    let http = reqwest::Client::new();
    // Restarted on its store: the failure is reported per item, with its reason.
    let status: ItemStatus = get_json(&http, format!("{url}/items/{}", hex::encode(digests[0])))
        .await
        .expect("status");
    assert_eq!(
        (status.state.as_str(), status.reason.as_deref()),
        ("failed", Some(reason.as_str()))
    );
    assert_eq!(stats(&http, &url).await.failed, 40);

    // The operator's command puts them back; they go final in new batches, once.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_dynamis-verifier"))
        .args(["requeue", "--service", &url])
        .output()
        .await
        .expect("run requeue");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "1 failed batch(es), 40 item(s) back in the queue"
    );
    let s = final_at(&http, &url, 40, 120).await;
    assert_eq!((s.failed, s.queued, s.accepted()), (0, 0, 40), "{s:?}");
    let status: ItemStatus = get_json(&http, format!("{url}/items/{}", hex::encode(digests[0])))
        .await
        .expect("status");
    assert_eq!((status.state.as_str(), status.reason), ("final", None));
    let again: dynamis_verifier::service::wire::Requeued = serde_json::from_str(
        &post(
            &http,
            format!("{url}/admin/requeue"),
            "application/json",
            "",
        )
        .await
        .1,
    )
    .expect("requeue");
    assert_eq!((again.batches, again.items), (0, 0));
    let metrics = metrics(&http, &url).await;
    assert_eq!(
        metric(&metrics, "dynamis_verifier_items_requeued_total"),
        Some(40)
    );
    restarted.stop();
    launched.server.abort();
}

/// A GET of `uri` passed on to the service at `target`, its answer passed back.
async fn forward(target: &str, uri: &axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    match reqwest::get(format!("{target}{uri}")).await {
        Ok(r) => {
            let status = axum::http::StatusCode::from_u16(r.status().as_u16())
                .unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
            (status, r.bytes().await.unwrap_or_default()).into_response()
        }
        Err(_) => axum::http::StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// A stand-in for a peer that passes every request on to the real one (set later in
/// `target`) except batch data, which it withholds (404). Its URL.
async fn withholding_proxy(
    target: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    withheld: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> String {
    use axum::{http::Uri, response::IntoResponse, Router};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = Router::new().fallback(move |uri: Uri| {
        let target = target.lock().expect("lock").clone();
        let withheld = withheld.clone();
        async move {
            if uri.path().starts_with("/batches/") {
                withheld.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                return (axum::http::StatusCode::NOT_FOUND, "withheld").into_response();
            }
            forward(&target.unwrap_or_default(), &uri).await
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withheld_batch_data_is_retried_then_requested_on_chain_and_later_audits_go_on() {
    let opts = Options {
        // 2 s of window: time for a few retries before the request.
        challenge_window: 100,
        ..options("withheld")
    };
    let target = std::sync::Arc::new(std::sync::Mutex::new(None));
    let withheld = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let proxy = withholding_proxy(target.clone(), withheld.clone()).await;
    // Verifier 3 reaches verifier 1 only through the proxy.
    let (launched, running, urls) = cluster(&opts, 3, move |c| {
        if c.store.ends_with("verifier-3.redb") {
            let v1 = c.peers.remove(0);
            *target.lock().expect("lock") = Some(v1);
            c.peers.insert(0, proxy.clone());
        }
    })
    .await;
    let http = reqwest::Client::new();
    let gen = Generator::new(43, &Kind::ALL, 0.05);
    bulk(&http, &urls[0], &gen, 100).await;
    let s1 = final_at(&http, &urls[0], 100, 120).await;
    // Verifier 3 asked for every one of verifier 1's batches, was refused, retried with
    // backoff (not once per poll), and then asked the chain: one request per attestation, each
    // answered by verifier 1 (so none was rejected), and nothing is left pending.
    let m3 = metrics(&http, &urls[2]).await;
    let fetches = withheld.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        metric(&m3, "dynamis_verifier_audits_withheld_total"),
        Some(fetches),
        "{m3}"
    );
    assert!(
        fetches >= 2 * s1.batches && fetches <= 12 * s1.batches,
        "{fetches} fetches for {} batches",
        s1.batches
    );
    assert_eq!(
        metric(&m3, "dynamis_verifier_data_requests_total"),
        Some(s1.batches),
        "{m3}"
    );
    assert_eq!(
        metric(&m3, "dynamis_verifier_data_withheld_proven_total"),
        Some(0),
        "{m3}"
    );
    let chain = &running[0].service.chain;
    for id in 0..s1.batches {
        let record = chain.attestation(id).await.expect("chain").expect("record");
        assert_eq!(record.status, Status::Final);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !running[2].service.store.audits().expect("store").is_empty() {
        assert!(Instant::now() < deadline, "audits left pending");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(launched, running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_submits_a_file_in_chunks_waits_when_told_and_reads_the_proofs() {
    let opts = options("client");
    let token = "client-test-token";
    // A batch closes 1.5 s after its first item (4,096 never come): each chunk after the
    // first finds the queue full and is told to come back.
    let (launched, running, urls) = cluster(&opts, 1, |c| {
        if let Some(keys) = c.keys.as_mut() {
            keys.api_token = Some(service::Secret::new(token));
        }
        c.api.max_queue = 100;
        c.batch.max_items = 4_096;
        c.batch.max_wait_ms = 1_500;
    })
    .await;
    let http = reqwest::Client::new();
    let url = &urls[0];
    let gen = Generator::new(47, &Kind::ALL, 0.05);
    let file = opts.dir.join("items.jsonl");
    let lines: Vec<String> = (0..600).map(|n| to_json(&gen.item(n).0)).collect();
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let digests_file = opts.dir.join("digests.txt");
    let bin = env!("CARGO_BIN_EXE_dynamis-verifier");
    let out = tokio::process::Command::new(bin)
        .arg("submit")
        .arg(&file)
        .args(["--service", url, "--chunk", "200", "--digests"])
        .arg(&digests_file)
        .env(service::config::TOKEN_ENV, token)
        .output()
        .await
        .expect("run submit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    let numbers: Vec<u64> = printed
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let [sent, requests, accepted, duplicates, waits] = numbers[..] else {
        panic!("{printed}");
    };
    assert_eq!(
        (sent, requests, accepted + duplicates),
        (600, 3, 600),
        "{printed}"
    );
    let m = metrics(&http, url).await;
    assert!(waits >= 2, "{printed}");
    assert_eq!(
        metric(&m, "dynamis_verifier_requests_shed_total"),
        Some(waits),
        "{m}"
    );
    // Without the token: refused, nothing sent.
    let refused = tokio::process::Command::new(bin)
        .arg("submit")
        .arg(&file)
        .args(["--service", url])
        .env_remove(service::config::TOKEN_ENV)
        .output()
        .await
        .expect("run submit");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("401"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // A file with a malformed record is refused whole, naming it.
    let broken = opts.dir.join("broken.jsonl");
    std::fs::write(&broken, format!("{}\nnot json\n", lines[0])).expect("write");
    let out = tokio::process::Command::new(bin)
        .arg("submit")
        .arg(&broken)
        .args(["--service", url])
        .env(service::config::TOKEN_ENV, token)
        .output()
        .await
        .expect("run submit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && stderr.contains("1 malformed record(s)")
            && stderr.contains("nothing sent"),
        "{stderr}"
    );

    // Every item goes final; `status` prints a proof that holds against the on-chain root.
    final_at(&http, url, accepted, 120).await;
    let digests = std::fs::read_to_string(&digests_file).expect("digests");
    let first = digests.lines().next().expect("a digest");
    assert_eq!(digests.lines().count(), 600);
    let out = tokio::process::Command::new(bin)
        .args(["status", first, "--service", url])
        .output()
        .await
        .expect("run status");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: ItemStatus = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(status.state, "final");
    let proof = status.proof.expect("proof");
    let record = running[0]
        .service
        .chain
        .attestation(status.attestation.expect("attestation"))
        .await
        .expect("chain")
        .expect("record");
    assert_eq!(record.root, proof.root);
    let leaf = batch_leaf::<Native>(&proof.digest, Verdict::of(proof.valid));
    assert!(verify_inclusion::<Native>(
        &leaf,
        proof.index,
        proof.size,
        &proof.path,
        &record.root
    ));
    stop(launched, running);
}

/// A program of this workspace, beside the verifier's own binary.
fn sibling_bin(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_BIN_EXE_dynamis-verifier")).with_file_name(name)
}

/// Runs a program to its end; its stdout, or a panic with its stderr.
async fn run_ok(program: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = tokio::process::Command::new(program);
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().await.expect("run");
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The README's walk, from an empty folder: deploy a sandbox chain, make two verifiers' keys,
/// fund them from the genesis holder, start each as its own process peering with the other,
/// submit a file with the first's API token: every item goes final on attestations that both
/// co-signed, and the CLIs show the balances and the record.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_operator_brings_up_two_verifiers_from_an_empty_folder() {
    use service::Keys;
    let dir = std::env::temp_dir().join(format!("dynamis-test-walk-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear");
    }
    std::fs::create_dir_all(&dir).expect("dir");
    let path = |name: &str| dir.join(name).display().to_string();
    let deploy = sibling_bin("dynamis-deploy");
    let verifier = sibling_bin("dynamis-verifier");
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port()
    };
    // 1. The chain: `dynamis-deploy sandbox` (//Alice deploys and holds the genesis supply).
    let gateway = format!("127.0.0.1:{}", free_port());
    let manifest = path("deployment.json");
    let _chain = tokio::process::Command::new(&deploy)
        .args([
            "sandbox",
            "--out",
            &manifest,
            "--listen",
            &gateway,
            "--block-ms",
            "20",
        ])
        .args(["--challenge-window", "10"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("sandbox");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !std::path::Path::new(&manifest).exists() {
        assert!(
            Instant::now() < deadline,
            "the sandbox never wrote its manifest"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 2. Two verifiers' keys, each account funded with 2,000 DYN by the genesis holder.
    let urls: Vec<String> = (0..2)
        .map(|_| format!("http://127.0.0.1:{}", free_port()))
        .collect();
    let mut accounts = Vec::new();
    for i in 1..=2 {
        let keys = path(&format!("v{i}.keys"));
        let printed = run_ok(&verifier, &["keystore", "--out", &keys], &[]).await;
        let account = printed
            .lines()
            .find_map(|l| l.strip_prefix("account      "))
            .and_then(|l| l.split_whitespace().next())
            .expect("account line")
            .to_string();
        run_ok(
            &deploy,
            &[
                "transfer",
                &account,
                "--dyn",
                "2000",
                "--manifest",
                &manifest,
            ],
            &[("DYNAMIS_SURI", "//Alice")],
        )
        .await;
        let balance = run_ok(
            &deploy,
            &["balance", &account, "--manifest", &manifest],
            &[],
        )
        .await;
        assert!(balance.starts_with("2000 DYN "), "{balance}");
        let peer = &urls[2 - i];
        // Verifier 1's service bonds and registers by itself (bond_dyn); verifier 2's operator
        // does both beforehand with the CLIs (bond_dyn = 0: the service never bonds).
        let bond_dyn = if i == 1 { 1_000 } else { 0 };
        let config = format!(
            "listen = \"{}\"\nstore = \"{}\"\nmanifest = \"{manifest}\"\nkeystore = \"{keys}\"\npeers = [\"{peer}\"]\nbond_dyn = {bond_dyn}\n[batch]\nmax_wait_ms = 200\n[watch]\npoll_ms = 200\n",
            urls[i - 1].trim_start_matches("http://"),
            path(&format!("v{i}.redb")),
        );
        let config_path = dir.join(format!("v{i}.toml"));
        std::fs::write(&config_path, config).expect("config");
        if i == 2 {
            let suri = Keys::load(std::path::Path::new(&keys))
                .expect("keystore")
                .account_suri
                .expose()
                .to_string();
            let bonded = run_ok(
                &deploy,
                &["bond", "--dyn", "1000", "--manifest", &manifest],
                &[("DYNAMIS_SURI", &suri)],
            )
            .await;
            assert_eq!(bonded.trim(), "bonded 1000 DYN as Verifier");
            let config_arg = config_path.display().to_string();
            let register = ["register-key", "--config", config_arg.as_str()];
            let registered = run_ok(&verifier, &register, &[]).await;
            assert_eq!(registered.trim(), "co-signing key registered");
            let again = run_ok(&verifier, &register, &[]).await;
            assert_eq!(again.trim(), "co-signing key already registered");
        }
        accounts.push(account);
    }
    // 3. Each verifier started on its own: verifier 1 bonds and registers its key, both serve.
    let mut services = Vec::new();
    for i in 1..=2 {
        services.push(
            tokio::process::Command::new(&verifier)
                .args(["serve", "--config", &path(&format!("v{i}.toml"))])
                .stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create(dir.join(format!("v{i}.log"))).expect("log"))
                .kill_on_drop(true)
                .spawn()
                .expect("serve"),
        );
    }
    let http = reqwest::Client::new();
    demo::await_onboarded(&http, &urls)
        .await
        .expect("both onboarded");
    for account in &accounts {
        let balance = run_ok(&deploy, &["balance", account, "--manifest", &manifest], &[]).await;
        assert!(
            balance.starts_with("1000 DYN "),
            "bonded 1,000 of 2,000: {balance}"
        );
        let stake = run_ok(&deploy, &["stake", account, "--manifest", &manifest], &[]).await;
        assert!(stake.contains("active: 1000000000000000000000,"), "{stake}");
    }
    // 4. A client submits a file with verifier 1's token; both co-sign every batch.
    let token = Keys::load(&dir.join("v1.keys"))
        .expect("keystore")
        .api_token
        .expect("a token")
        .expose()
        .to_string();
    let gen = Generator::new(53, &Kind::ALL, 0.05);
    let lines: Vec<String> = (0..300).map(|n| to_json(&gen.item(n).0)).collect();
    std::fs::write(dir.join("items.jsonl"), lines.join("\n") + "\n").expect("items");
    let printed = run_ok(
        &verifier,
        &["submit", &path("items.jsonl"), "--service", &urls[0]],
        &[("DYNAMIS_API_TOKEN", &token)],
    )
    .await;
    let accepted: u64 = printed
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("accepted count");
    let s = final_at(&http, &urls[0], accepted, 120).await;
    println!("verifier 1: {s:?}");
    assert!(s.batches > 0);
    assert_eq!(
        stats(&http, &urls[1]).await.cosigned,
        s.batches,
        "verifier 2 co-signed each batch"
    );
    for id in 0..s.batches {
        let record = run_ok(
            &deploy,
            &["attestation", &id.to_string(), "--manifest", &manifest],
            &[],
        )
        .await;
        assert!(record.contains("status: Final"), "{record}");
    }
    drop(services);
    std::fs::remove_dir_all(&dir).ok();
}

/// A batch recorded as attested under an id the chain does not hold (the attestation was
/// reorganised away, or its transaction replaced): the root decides, the batch is submitted
/// again, and its items go final on exactly one attestation.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_attestation_gone_from_the_chain_is_found_by_its_root_or_submitted_again() {
    use dynamis_verifier::service::store::BatchState;
    let opts = options("moved");
    let (launched, restarted, url, digests, root) = restarted_after(&opts, 59, 30, |store| {
        let (batch, id) = batch_the_queue(store, 4_096);
        let gone = BatchState::Attested {
            id: 7,
            block: 0,
            tx: [0; 32],
        };
        store.set_state(id, gone).expect("state");
        batch.root()
    })
    .await;
    let http = reqwest::Client::new();
    final_at(&http, &url, digests.len() as u64, 120).await;
    let chain = &restarted.service.chain;
    let id = chain
        .id_of_root(root)
        .await
        .expect("chain")
        .expect("attested");
    assert_eq!(
        chain
            .attestation(id)
            .await
            .expect("chain")
            .expect("record")
            .status,
        Status::Final
    );
    assert_eq!(
        chain.attestation(1).await.expect("chain"),
        None,
        "one attestation in all"
    );
    let m = metrics(&http, &url).await;
    assert_eq!(
        metric(&m, "dynamis_verifier_attestations_moved_total"),
        Some(1),
        "{m}"
    );
    restarted.stop();
    launched.server.abort();
}

/// A TLS front for the plain HTTP service at `backend` (`http://127.0.0.1:port`): a certificate
/// for `localhost` signed by a throw-away CA, each TLS connection forwarded to the backend. Its
/// `https://localhost:port` URL and the CA's PEM.
async fn tls_front(backend: &str) -> (String, String) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .signed_by(&key, &ca, &ca_key)
        .expect("certificate");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let backend = backend.trim_start_matches("http://").to_string();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    (format!("https://localhost:{port}"), ca.pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_peer_behind_tls_is_asked_over_https_and_an_unknown_certificate_is_refused() {
    let opts = Options {
        verifiers: 2,
        ..options("tls")
    };
    let launched = fresh_chain(&opts).await;
    let (bound, urls) = demo::listeners(2).await.expect("listeners");
    let (https, ca_pem) = tls_front(&urls[1]).await;
    let ca = opts.dir.join("peer-ca.pem");
    std::fs::write(&ca, &ca_pem).expect("CA file");
    // Verifier 1 knows its peer only by the https URL; verifier 2 knows 1 by plain HTTP.
    let mut running = Vec::new();
    for (i, listener) in (1..=2u8).zip(bound) {
        let peers = if i == 1 {
            vec![https.clone()]
        } else {
            vec![urls[0].clone()]
        };
        let mut config = demo::verifier_config(&opts, i, urls[usize::from(i) - 1].clone(), peers);
        if i == 1 {
            config.peer_ca = Some(ca.clone());
        }
        running.push(service::start(config, listener).await.expect("service"));
    }
    let http = reqwest::Client::new();
    demo::await_onboarded(&http, &urls)
        .await
        .expect("verifiers onboarded");
    // Without the CA, the front's certificate is not trusted: no answer at all.
    let untrusted = reqwest::Client::new()
        .get(format!("{https}/health"))
        .send()
        .await;
    assert!(untrusted.is_err(), "{untrusted:?}");
    let trusting = service::peer_client(Some(&ca)).expect("client");
    let health: service::wire::Health = trusting
        .get(format!("{https}/health"))
        .send()
        .await
        .expect("https answer")
        .json()
        .await
        .expect("health");
    assert_eq!(health.status, "ok");
    // Two equal stakes: the threshold needs both, so every attestation carries the https
    // peer's signature.
    let (_, attestations) =
        leader_carries_300_items_on_two_signers(&http, &urls, &running, 12).await;
    assert!(attestations > 0);
    assert_eq!(stats(&http, &urls[1]).await.cosigned, attestations);
    stop(launched, running);
}

/// A peer in front of the verifier at `target` that answers everything but `/cosign`, which
/// it holds open without an answer (counted in `stalled`). Its URL.
async fn stalling_proxy(
    target: String,
    stalled: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> String {
    use axum::{http::Uri, Router};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = Router::new().fallback(move |uri: Uri| {
        let (target, stalled) = (target.clone(), stalled.clone());
        async move {
            if uri.path() == "/cosign" {
                stalled.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                std::future::pending::<()>().await;
            }
            forward(&target, &uri).await
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_silent_peer_is_hedged_by_asking_one_more_after_the_hedge_delay() {
    let opts = Options {
        verifiers: 3,
        ..options("hedge")
    };
    let launched = fresh_chain(&opts).await;
    let (bound, urls) = demo::listeners(3).await.expect("listeners");
    let stalled = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let silent = stalling_proxy(urls[1].clone(), stalled.clone()).await;
    let mut running = Vec::new();
    for (i, listener) in (1..=3u8).zip(bound) {
        // Verifier 1 knows verifier 2 only through the silent front, listed first: with equal
        // stakes it is the one peer of the first wave.
        let peers = if i == 1 {
            vec![silent.clone(), urls[2].clone()]
        } else {
            demo::peers_of(&urls, i)
        };
        let mut config = demo::verifier_config(&opts, i, urls[usize::from(i) - 1].clone(), peers);
        config.batch.cosign_hedge_ms = 300;
        running.push(service::start(config, listener).await.expect("service"));
    }
    let http = reqwest::Client::new();
    demo::await_onboarded(&http, &urls)
        .await
        .expect("verifiers onboarded");
    let (s, attestations) =
        leader_carries_300_items_on_two_signers(&http, &urls, &running, 13).await;
    assert_eq!(attestations, s.batches);
    // Per batch: the silent peer, then after the hedge delay verifier 3, which answered.
    let stalled = stalled.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(stalled, s.batches);
    assert_eq!(stats(&http, &urls[2]).await.cosigned, s.batches);
    let asked = metric(
        &metrics(&http, &urls[0]).await,
        "dynamis_verifier_cosign_asked_total",
    );
    assert_eq!(asked, Some(2 * s.batches));
    stop(launched, running);
}

/// 300 generated items (seed `seed`) posted to verifier 1 only and drained: every one final,
/// none failed or rejected, each attestation signed by two. Verifier 1's counts and the number
/// of attestations.
async fn leader_carries_300_items_on_two_signers(
    http: &reqwest::Client,
    urls: &[String],
    running: &[Running],
    seed: u64,
) -> (Stats, u64) {
    let gen = Generator::new(seed, &Kind::ALL, 0.0);
    let bar = indicatif::ProgressBar::hidden();
    let accepted = demo::feed(http, &urls[..1], &gen, 300, 100, &bar)
        .await
        .expect("fed");
    let s = drained(http, &urls[0]).await;
    assert_eq!((s.r#final, s.failed + s.rejected), (accepted, 0), "{s:?}");
    let chain = &running[0].service.chain;
    let mut attestations = 0u64;
    while let Some(record) = chain.attestation(attestations).await.expect("chain") {
        assert_eq!(record.signers.len(), 2, "attestation {attestations}");
        attestations += 1;
    }
    (s, attestations)
}

/// The README's DAO walk-through, run as written: the bash block after the
/// `<!-- dao walk-through -->` marker, in an empty folder, with `D` pointing at the built
/// `dynamis-deploy` and the sandbox given a free port and 20 ms blocks. It must end with
/// proposal 0 executed and the parameter it set on chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readmes_dao_walk_through_passes_a_parameter_change() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README");
    let block = readme
        .split("<!-- dao walk-through -->\n```bash\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the walk-through block");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let script: Vec<String> = block
        .lines()
        .filter(|l| !l.starts_with("D="))
        .map(|l| {
            l.replace(
                "$D sandbox ",
                &format!("$D sandbox --listen 127.0.0.1:{port} --block-ms 20 "),
            )
        })
        .collect();
    assert!(script.len() > 15, "{script:?}");
    let dir = std::env::temp_dir().join(format!("dynamis-test-dao-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear");
    }
    std::fs::create_dir_all(&dir).expect("dir");
    let out = tokio::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script.join("\n")])
        .env("D", sibling_bin("dynamis-deploy"))
        .env("RUST_BACKTRACE", "0")
        .current_dir(&dir)
        .kill_on_drop(true)
        .output()
        .await
        .expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log = std::fs::read_to_string(dir.join("sandbox.log")).unwrap_or_default();
    assert!(
        out.status.success(),
        "{stdout}\n{}\nsandbox: {log}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l == "proposal 0: Some(Executed) (Parameter class)"),
        "{stdout}"
    );
    let gain: u32 = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("success_gain: "))
        .and_then(|v| v.trim_end_matches(',').parse().ok())
        .expect("success_gain printed");
    assert_eq!(gain, 6_000);
    std::fs::remove_dir_all(&dir).ok();
}

/// The main job on the sandbox, small: every item final, the planted fraud proven, and its
/// governance round passing the founder's proposal (both gains 5,000 → 6,000) through the
/// same calls as `dynamis-deploy dao`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_main_job_mints_flux_for_final_work_and_ends_with_a_parameter_change_by_governance() {
    let opts = Options {
        items: 1_500,
        ..options("main-job")
    };
    let report = demo::run(opts).await.expect("demo");
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(report.final_items, report.accepted, "{report:?}");
    assert_eq!(report.attestations_rejected, 1, "{report:?}");
    // Final attestations spent their co-signers' Power and minted them Flux: at least the
    // threshold's two of three verifiers, and Flux only where Power was spent.
    let working = report.power.iter().filter(|(p, _)| *p > 0).count();
    assert!(working >= 2, "{:?}", report.power);
    for (p_used, flux) in &report.power {
        assert_eq!(*p_used > 0, *flux > 0, "{:?}", report.power);
    }
    let round = report.governance.expect("a governance round on the sandbox");
    assert_eq!(round.state, Some(governance::State::Executed), "{round:?}");
    assert_eq!(round.before, (5_000, 5_000));
    assert_eq!(
        round.after,
        (demo::PROPOSED_GAIN, demo::PROPOSED_GAIN),
        "{round:?}"
    );
}
