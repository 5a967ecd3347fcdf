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
        api::{Accepted, ApiError, ItemStatus},
        chain::Status,
        pipeline::CosignRequest,
        store::Stats,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_stored() {
    let opts = options("bad-input");
    let (launched, running, urls) = cluster(&opts, 1, |c| {
        c.api.max_body_bytes = 64 * 1024;
        c.api.max_bulk_items = 50;
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
    // Malformed JSON to the co-signing route is axum's rejection, answered and counted as ours.
    let (got, text) = post(
        &http,
        format!("{url}/cosign"),
        "application/json",
        "{\"epoch\":",
    )
    .await;
    assert_eq!(got, 400, "{text}");
    assert!(serde_json::from_str::<ApiError>(&text).is_ok(), "{text}");
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
    let (launched, running, urls) = cluster(&opts, 3, |_| {}).await;
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
    // Every batch was re-verified and co-signed by both peers (the leader uses one of the two
    // signatures: 2 of 3 required) and attested exactly once.
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
    assert_eq!(total.cosigned, 2 * total.batches);
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
        epoch: 0,
        regime: "session".into(),
        root: batch.root(),
        items: batch.len(),
        valid: batch.valid_per_kind(),
        encoded: batch
            .items
            .iter()
            .map(|i| hex::encode(i.encode()))
            .collect(),
    };
    let r = http
        .post(format!("{}/cosign", urls[0]))
        .json(&honest)
        .send()
        .await
        .expect("cosign");
    assert_eq!(r.status().as_u16(), 200);
    // Hash chains claimed as ECDSA signatures: twice the capacity.
    let mut valid = [0u64; 5];
    valid[Kind::Ecdsa.index()] = honest.valid[Kind::HashChain.index()];
    let inflated = CosignRequest {
        valid,
        ..honest.clone()
    };
    let r = http
        .post(format!("{}/cosign", urls[0]))
        .json(&inflated)
        .send()
        .await
        .expect("cosign");
    assert_eq!(r.status().as_u16(), 409);
    assert!(error_of(&r.text().await.unwrap_or_default()).contains("disagree"));
    let garbled = CosignRequest {
        encoded: vec!["0x0102".into()],
        ..honest
    };
    let r = http
        .post(format!("{}/cosign", urls[0]))
        .json(&garbled)
        .send()
        .await
        .expect("cosign");
    assert_eq!(r.status().as_u16(), 400);
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
        chain::Chain,
        store::{BatchItems, BatchRow, BatchState, Store, StoreError},
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
    let chain = Chain::new(&manifest, &launched.url, account).expect("chain");
    let key = sp_core::ecdsa::Pair::from_string(keys.key_suri.expose(), None).expect("key");
    let store = Store::open(&config.store).expect("store");
    let gen = Generator::new(23, &[Kind::HashChain], 0.0);
    let mut roots = Vec::new();
    for (b, sent) in [(0u64, false), (1, true)] {
        let items: Vec<Item> = (0..16).map(|n| gen.item(100 * b + n).0).collect();
        let keyed: Vec<_> = items
            .iter()
            .map(|i| (dynamis_proofs::item_digest::<Native>(i), i.encode()))
            .collect();
        store.accept(&keyed, 0).expect("accept");
        let seqs: Vec<u64> = store
            .peek_queue(16)
            .expect("queue")
            .iter()
            .map(|e| e.0)
            .collect();
        let batch = dynamis_verifier::Batch::verify(items);
        let row = BatchRow {
            root: batch.root(),
            items: batch.len(),
            valid: batch.valid_per_kind(),
            regime: dynamis_proofs::Regime::Session,
            created_ms: 0,
            state: BatchState::Verified,
        };
        let batch_items = BatchItems {
            digests: batch.digests.clone(),
            valid: vec![true; 16],
            received_ms: vec![0; 16],
        };
        let id = store
            .commit_batch(&seqs, &row, &batch_items)
            .expect("batch");
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
    assert_eq!(chain.id_of_root(roots[0]).await.expect("chain"), None);
    assert!(chain.id_of_root(roots[1]).await.expect("chain").is_some());
    drop(store);

    // Second life on the same store.
    let (mut bound, urls) = demo::listeners(1).await.expect("listener");
    let mut config = config;
    config.listen = urls[0].clone();
    let running = service::start(config, bound.remove(0))
        .await
        .expect("service");
    let s = drained(&http, &urls[0]).await;
    assert_eq!((s.r#final, s.failed, s.rejected), (32, 0, 0), "{s:?}");
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
    assert_eq!(
        metric(&metrics, "dynamis_verifier_attestations_resent_total"),
        Some(1),
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
    use dynamis_verifier::service::chain::{outcome, AttestationError, Chain};
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
    let bob = Chain::new(
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
