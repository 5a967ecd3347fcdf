//! The verifier's core: known answers, forged and malleated signatures, bisection, input
//! errors with their line numbers, proofs and co-signatures that the shared rules accept.

use dynamis_proofs::{
    batch_leaf, ecdsa_signer, item_digest, verify_inclusion, Attestation, Check, Item, Kind,
    Regime, Verdict,
};
use dynamis_verifier::{
    attest,
    gen::Generator,
    input,
    verify::{bisect, verify_all},
    Batch, Native,
};
use proptest::prelude::*;
use sp_core::Pair;

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    hex::decode(s).expect("hex").try_into().expect("length")
}

/// RFC 8032 §7.1, tests 1 and 2.
fn rfc8032() -> Vec<Item> {
    vec![
        Item::Ed25519 {
            public: unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            signature: unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            message: vec![],
        },
        Item::Ed25519 {
            public: unhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            signature: unhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
            message: vec![0x72],
        },
    ]
}

fn verdicts(items: &[Item]) -> Vec<bool> {
    verify_all(items)
        .into_iter()
        .map(|v| v == Verdict::Valid)
        .collect()
}

#[test]
fn ed25519_known_answers_verify_and_a_changed_message_does_not() {
    let mut items = rfc8032();
    assert_eq!(verdicts(&items), [true, true]);
    if let Item::Ed25519 { message, .. } = &mut items[1] {
        message[0] ^= 1;
    }
    assert_eq!(verdicts(&items), [true, false]);
}

#[test]
fn ed25519_malleated_s_is_rejected() {
    // s + L (the group order) verifies under the textbook equation but is not canonical.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut items = rfc8032();
    if let Item::Ed25519 { signature, .. } = &mut items[0] {
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(signature[32 + i]) + u16::from(L[i]) + carry;
            signature[32 + i] = sum as u8;
            carry = sum >> 8;
        }
    }
    assert_eq!(verdicts(&items), [false, true]);
}

#[test]
fn sr25519_agrees_with_sp_core_and_rejects_forgeries() {
    let pair = sp_core::sr25519::Pair::from_string("//Alice", None).expect("dev key");
    let message = b"dynamis sr25519".to_vec();
    let signature = pair.sign(&message);
    assert!(sp_core::sr25519::Pair::verify(
        &signature,
        &message,
        &pair.public()
    ));
    let good = Item::Sr25519 {
        public: pair.public().0,
        signature: signature.0,
        message: message.clone(),
    };
    let mut wrong_key = good.clone();
    if let Item::Sr25519 { public, .. } = &mut wrong_key {
        *public = sp_core::sr25519::Pair::from_string("//Bob", None)
            .expect("dev key")
            .public()
            .0;
    }
    // Without schnorrkel's marker bit the signature is not an sr25519 signature at all.
    let mut unmarked = good.clone();
    if let Item::Sr25519 { signature, .. } = &mut unmarked {
        signature[63] &= 0x7f;
    }
    // A signature of the same message under another signing context.
    let kp = schnorrkel::MiniSecretKey::from_bytes(&[5; 32])
        .expect("mini secret")
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
    let other_context = Item::Sr25519 {
        public: kp.public.to_bytes(),
        signature: kp.sign_simple(b"not-substrate", &message).to_bytes(),
        message: message.clone(),
    };
    let same_key_right_context = Item::Sr25519 {
        public: kp.public.to_bytes(),
        signature: kp.sign_simple(b"substrate", &message).to_bytes(),
        message: message.clone(),
    };
    assert_eq!(
        verdicts(&[
            good,
            wrong_key,
            unmarked,
            other_context,
            same_key_right_context
        ]),
        [true, false, false, false, true]
    );
}

#[test]
fn ecdsa_agrees_with_sp_core_and_rejects_the_high_s_twin() {
    let pair = sp_core::ecdsa::Pair::from_string("//Alice", None).expect("dev key");
    let message = b"dynamis ecdsa".to_vec();
    let signature = pair.sign(&message);
    assert!(sp_core::ecdsa::Pair::verify(
        &signature,
        &message,
        &pair.public()
    ));
    let good = Item::Ecdsa {
        public: pair.public().0,
        signature: signature.0,
        message,
    };
    // n − s with the recovery id flipped: the same point, the malleated encoding.
    let mut twin = good.clone();
    if let Item::Ecdsa { signature, .. } = &mut twin {
        *signature = attest::malleated(signature);
        // sp-core alone recovers the same key from the twin: only the shared rule refuses it.
        let sig = sp_core::ecdsa::Signature::from_raw(*signature);
        assert_eq!(
            sig.recover(b"dynamis ecdsa").map(|p| p.0),
            Some(pair.public().0)
        );
    }
    let mut forged = good.clone();
    if let Item::Ecdsa { signature, .. } = &mut forged {
        signature[5] ^= 1;
    }
    assert_eq!(verdicts(&[good, twin, forged]), [true, false, false]);
}

#[test]
fn generated_bad_items_are_exactly_the_invalid_ones_for_every_kind() {
    let generator = Generator::new(7, &[], 0.2);
    let made = generator.items(0..2_000, &|| {});
    let items: Vec<Item> = made.iter().map(|(i, _)| i.clone()).collect();
    let expected: Vec<bool> = made.iter().map(|(_, bad)| !bad).collect();
    assert_eq!(verdicts(&items), expected);
    for kind in Kind::ALL {
        assert!(
            made.iter().any(|(i, bad)| i.kind() == kind && *bad),
            "{kind:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Bisection finds exactly the failing items, with a batch check that passes only when
    /// every item in it is good, whatever their number and positions.
    #[test]
    fn bisection_finds_exactly_the_bad_items(good in proptest::collection::vec(any::<bool>(), 0..600)) {
        let mut out = vec![false; good.len()];
        bisect(&good, &|b: &[bool]| b.iter().all(|x| *x), &|x: &bool| *x, &mut out);
        prop_assert_eq!(out, good);
    }

    /// The same through the real signature schemes: bad positions chosen at random among
    /// ed25519 and sr25519 items, across batch boundaries.
    #[test]
    fn verdicts_mark_exactly_the_forged_signatures(
        seed in any::<u64>(),
        bad in proptest::collection::btree_set(0u64..700, 0..12),
    ) {
        let generator = Generator::new(seed, &[Kind::Ed25519, Kind::Sr25519], 0.0);
        let mut items: Vec<Item> = generator.items(0..700, &|| {}).into_iter().map(|(i, _)| i).collect();
        for &n in &bad {
            match &mut items[n as usize] {
                Item::Ed25519 { message, .. } | Item::Sr25519 { message, .. } => message.push(0),
                _ => unreachable!(),
            }
        }
        let expected: Vec<bool> = (0..700).map(|n| !bad.contains(&n)).collect();
        prop_assert_eq!(verdicts(&items), expected);
    }
}

#[test]
fn every_item_proof_verifies_with_the_shared_rules() {
    let made = Generator::new(3, &[], 0.1).items(0..300, &|| {});
    let batch = Batch::verify(made.into_iter().map(|(i, _)| i).collect());
    for i in 0..batch.len() {
        let proof = batch.proof(i).expect("proof");
        let verdict = Verdict::of(proof.valid);
        let leaf = batch_leaf::<Native>(&item_digest::<Native>(&batch.items[i as usize]), verdict);
        assert!(verify_inclusion::<Native>(
            &leaf,
            i,
            batch.len(),
            &proof.path,
            &batch.root()
        ));
        // The opposite verdict is not in the tree.
        let flipped = batch_leaf::<Native>(&proof.digest, Verdict::of(!proof.valid));
        assert!(!verify_inclusion::<Native>(
            &flipped,
            i,
            batch.len(),
            &proof.path,
            &batch.root()
        ));
    }
    assert!(batch.proof(batch.len()).is_none());
}

/// The generator's labels are the shared rules' verdicts (the chain's own check, compared with
/// the compiled contract in `tests/tests/drink/attestations.rs`).
#[test]
fn the_generators_labels_are_the_shared_checks_verdicts() {
    let made = Generator::new(5, &[Kind::Ecdsa, Kind::Inclusion, Kind::HashChain], 0.3)
        .items(0..300, &|| {});
    for (item, bad) in made {
        let expected = if bad { Check::Invalid } else { Check::Valid };
        assert_eq!(dynamis_proofs::check::<Native>(&item), expected);
    }
}

#[test]
fn co_signatures_recover_to_the_signing_key() {
    let pair = sp_core::ecdsa::Pair::from_string("//Verifier1", None).expect("key");
    let attestation = Attestation {
        epoch: 3,
        root: [4; 32],
        items: 10,
        valid: [1, 2, 3, 1, 2],
        regime: Regime::Session,
    };
    let contract = [9u8; 32];
    let signature = attest::sign(&pair, &contract, &attestation);
    let digest = dynamis_proofs::attestation_digest::<Native>(&contract, &attestation);
    assert_eq!(
        ecdsa_signer::<Native>(&signature, &digest),
        Some(attest::public_key(&pair))
    );
    // Another contract's digest recovers some other key.
    let elsewhere = dynamis_proofs::attestation_digest::<Native>(&[8; 32], &attestation);
    assert_ne!(
        ecdsa_signer::<Native>(&signature, &elsewhere),
        Some(attest::public_key(&pair))
    );
}

#[test]
fn malformed_json_lines_are_reported_by_number_and_the_rest_is_read() {
    let good = input::to_json(&Item::HashChain {
        start: [1; 32],
        count: 1,
        end: [2; 32],
    });
    let text = [
        good.as_str(),
        "{not json",
        r#"{"kind":"quantum","x":1}"#,
        r#"{"kind":"hash_chain","start":"00","count":1,"end":"00"}"#,
        "",
        r#"{"kind":"hash_chain","start":"zz","count":1,"end":"00"}"#,
        r#"{"kind":"hash_chain","start":"0000000000000000000000000000000000000000000000000000000000000000","count":0,"end":"0000000000000000000000000000000000000000000000000000000000000000"}"#,
        r#"{"kind":"hash_chain","count":1}"#,
        good.as_str(),
    ]
    .join("\n");
    let read = input::read_jsonl(text.as_bytes()).expect("read");
    assert_eq!(read.items.len(), 2);
    let lines: Vec<usize> = read.errors.iter().map(|e| e.number).collect();
    assert_eq!(lines, [2, 3, 4, 6, 7, 8]);
    let reasons: Vec<&str> = read.errors.iter().map(|e| e.reason.as_str()).collect();
    assert!(
        reasons[1].contains("unknown variant `quantum`"),
        "{}",
        reasons[1]
    );
    assert!(
        reasons[2].contains("wrong length: 1 bytes"),
        "{}",
        reasons[2]
    );
    assert!(reasons[3].contains("not hex"), "{}", reasons[3]);
    assert!(reasons[4].contains("ChainLength"), "{}", reasons[4]);
    assert!(reasons[5].contains("missing field"), "{}", reasons[5]);
    assert_eq!(read.errors[0].to_string().split(':').next(), Some("line 2"));
}

#[test]
fn a_line_that_is_not_utf8_or_too_long_is_reported_and_the_rest_is_read() {
    let good = input::to_json(&Item::HashChain {
        start: [1; 32],
        count: 1,
        end: [2; 32],
    });
    let mut text = Vec::new();
    text.extend(good.as_bytes());
    text.extend(b"\n{\"kind\":\"hash_chain\",\xff\xfe}\n");
    text.extend(b"\n");
    text.extend(vec![b'x'; input::MAX_RECORD_BYTES + 1]);
    text.extend(b"\r\n");
    text.extend(good.as_bytes());
    text.extend(b"\r\n");
    text.extend(good.as_bytes());
    let read = input::read_jsonl(text.as_slice()).expect("read");
    assert_eq!(read.items.len(), 3);
    // Lines 1, 2, 4, 5, 6 are records 0–4 (line 3 is blank).
    assert_eq!(read.count, 5);
    assert_eq!(read.records, [0, 3, 4]);
    let errors: Vec<(usize, usize)> = read.errors.iter().map(|e| (e.number, e.record)).collect();
    assert_eq!(errors, [(2, 1), (4, 2)]);
    assert_eq!(read.errors[0].reason, "not UTF-8 (byte 22)"); // `{"kind":"hash_chain",` is 21 bytes
    assert_eq!(
        read.errors[1].reason,
        format!("longer than {} bytes", input::MAX_RECORD_BYTES)
    );
    assert_eq!(read.item_of(3), Some(1));
    assert_eq!(read.item_of(1), None);
    assert_eq!(read.error_of(2).map(|e| e.number), Some(4));
    assert!(read.error_of(0).is_none());
}

#[test]
fn a_file_is_read_streaming_in_either_format_with_records_counted_in_file_order() {
    let dir = std::env::temp_dir().join(format!("dynamis-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let made = Generator::new(12, &[], 0.0).items(0..6, &|| {});
    let items: Vec<Item> = made.into_iter().map(|(i, _)| i).collect();
    // SCALE: record 3 declares more bytes than any item may have; it is skipped unread.
    let mut writer = input::Writer::new(Vec::new(), input::Format::Scale).expect("writer");
    for item in &items[..3] {
        writer.write(item).expect("write");
    }
    let mut bytes = writer.finish().expect("finish");
    let big = input::MAX_RECORD_BYTES as u32 + 1;
    scale::Encode::encode_to(&scale::Compact(big), &mut bytes);
    bytes.extend(vec![0u8; big as usize]);
    let mut tail = input::Writer::new(Vec::new(), input::Format::Scale).expect("writer");
    for item in &items[3..] {
        tail.write(item).expect("write");
    }
    bytes.extend(&tail.finish().expect("finish")[input::SCALE_MAGIC.len()..]);
    let path = dir.join("items.scale");
    std::fs::write(&path, &bytes).expect("write");
    let read = input::read_file(&path).expect("read");
    assert_eq!(read.items, items);
    assert_eq!(read.count, 7);
    assert_eq!(read.records, [0, 1, 2, 4, 5, 6]);
    assert_eq!(read.errors.len(), 1);
    assert_eq!((read.errors[0].number, read.errors[0].record), (4, 3));
    assert_eq!(
        read.errors[0].reason,
        format!("{big} bytes, more than {}", input::MAX_RECORD_BYTES)
    );
    // JSON lines, the same items.
    let lines: Vec<String> = items.iter().map(input::to_json).collect();
    let path = dir.join("items.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("write");
    let read = input::read_file(&path).expect("read");
    assert_eq!(read.items, items);
    assert_eq!(read.records, [0, 1, 2, 3, 4, 5]);
    std::fs::remove_dir_all(&dir).expect("clean");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes in either format: no panic; every record is an item or an error, once.
    #[test]
    fn random_bytes_never_panic_a_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let read = input::read_jsonl(bytes.as_slice()).expect("an in-memory read has no I/O error");
        prop_assert_eq!(read.items.len() + read.errors.len(), read.count);
        prop_assert_eq!(read.records.len(), read.items.len());
        let mut scale_file = input::SCALE_MAGIC.to_vec();
        scale_file.extend(&bytes);
        if let Ok(read) = input::read_scale(&scale_file) {
            prop_assert_eq!(read.items.len() + read.errors.len(), read.count);
        }
        let _ = input::decode_item(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = input::parse_json(text);
        }
    }

    /// Random JSON objects of the items' shapes (the right fields with byte strings of
    /// right and wrong lengths, a field left out, an unknown kind): refused with a reason, or
    /// read as an item that is well formed and writes back to the same item.
    #[test]
    fn random_json_items_are_read_or_refused_with_a_reason(
        kind in prop::sample::select(vec!["ed25519", "sr25519", "ecdsa", "inclusion", "hash_chain", "rsa"]),
        lengths in proptest::collection::vec(prop::sample::select(vec![0usize, 1, 32, 33, 64, 65, 4097]), 6),
        fill in any::<u8>(),
        numbers in proptest::collection::vec(0u64..10_000, 3),
        drop_field in 0usize..8,
    ) {
        let h = |i: usize| serde_json::json!(format!("0x{}", hex::encode(vec![fill; lengths[i]])));
        let fields: Vec<(&str, serde_json::Value)> = match kind {
            "ed25519" | "sr25519" | "ecdsa" => vec![("public", h(0)), ("signature", h(1)), ("message", h(2))],
            "inclusion" => vec![
                ("leaf", h(3)), ("index", numbers[0].into()), ("size", numbers[1].into()),
                ("proof", serde_json::json!([h(4)])), ("root", h(5)),
            ],
            "hash_chain" => vec![("start", h(0)), ("count", numbers[2].into()), ("end", h(5))],
            _ => vec![("n", h(0))],
        };
        let mut object = serde_json::Map::new();
        object.insert("kind".into(), kind.into());
        for (i, (name, value)) in fields.into_iter().enumerate() {
            if i != drop_field {
                object.insert(name.into(), value);
            }
        }
        match input::parse_json(&serde_json::Value::Object(object).to_string()) {
            Ok(item) => {
                prop_assert!(item.well_formed().is_ok());
                prop_assert_eq!(input::parse_json(&input::to_json(&item)), Ok(item));
            }
            Err(reason) => prop_assert!(!reason.is_empty()),
        }
    }
}

#[test]
fn scale_files_round_trip_and_skip_a_corrupt_record() {
    let made = Generator::new(11, &[], 0.0).items(0..20, &|| {});
    let items: Vec<Item> = made.into_iter().map(|(i, _)| i).collect();
    let mut writer = input::Writer::new(Vec::new(), input::Format::Scale).expect("writer");
    for item in &items {
        writer.write(item).expect("write");
    }
    let bytes = writer.finish().expect("finish");
    let read = input::read_scale(&bytes).expect("read");
    assert_eq!(read.items, items);
    assert!(read.errors.is_empty());

    // Record 2 gets an unknown variant tag: skipped, everything else read.
    let mut corrupt = bytes.clone();
    let first_len = {
        let mut rest = &corrupt[input::SCALE_MAGIC.len()..];
        let before = rest.len();
        let len = <scale::Compact<u32> as scale::Decode>::decode(&mut rest)
            .expect("len")
            .0 as usize;
        before - rest.len() + len
    };
    let second = input::SCALE_MAGIC.len() + first_len;
    let prefix = {
        let mut rest = &corrupt[second..];
        let before = rest.len();
        <scale::Compact<u32> as scale::Decode>::decode(&mut rest).expect("len");
        before - rest.len()
    };
    corrupt[second + prefix] = 9;
    let read = input::read_scale(&corrupt).expect("read");
    assert_eq!(read.items.len(), 19);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].number, 2);
    assert!(read.errors[0].reason.contains("not a SCALE item"));

    // A cut-off file says where it was cut.
    let cut = &bytes[..bytes.len() - 3];
    assert!(matches!(
        input::read_scale(cut),
        Err(input::ReadError::Truncated(20))
    ));
}

/// A verified batch stands in the order its attestation's counts describe (valid items by
/// kind, then the invalid ones), so that the contract can check any leaf's place; each item
/// is found again by its index in the input; the capacity is the counts' units.
#[test]
fn a_verified_batch_stands_where_its_counts_say() {
    let made = Generator::new(31, &Kind::ALL, 0.2).items(0..300, &|| {});
    let input: Vec<Item> = made.iter().map(|(i, _)| i.clone()).collect();
    let batch = Batch::verify(input.clone());
    let attestation = batch.attestation(0, dynamis_proofs::Regime::Session);
    assert!(attestation.consistent());
    for (position, item) in batch.items.iter().enumerate() {
        let slot = match batch.verdicts[position] {
            Verdict::Valid => dynamis_proofs::Slot::Valid(item.kind()),
            Verdict::Invalid => dynamis_proofs::Slot::Invalid,
        };
        assert_eq!(attestation.slot(position as u64), Some(slot), "{position}");
        assert_eq!(&input[batch.order[position]], item);
        assert_eq!(batch.position_of(batch.order[position]), Some(position));
    }
    let units: u64 = batch
        .items
        .iter()
        .zip(&batch.verdicts)
        .filter(|(_, v)| **v == Verdict::Valid)
        .map(|(i, _)| i.kind().units())
        .sum();
    assert_eq!(attestation.capacity(), Some(units));
    assert_eq!(batch.capacity(), units);
    // Each verdict is the item's own, whatever its place.
    let bad: Vec<bool> = batch.order.iter().map(|&i| made[i].1).collect();
    let invalid: Vec<bool> = batch
        .verdicts
        .iter()
        .map(|v| *v == Verdict::Invalid)
        .collect();
    assert_eq!(invalid, bad);
}

/// The CLI as a user runs it, on a file with a line that is not UTF-8 and one that is not an
/// item: `verify` reads on and writes one verdict per record, `prove N` finds the file's
/// record N (malformed ones count), and options the demo cannot run with are refused cleanly.
#[test]
fn the_cli_reads_past_bad_lines_and_indexes_the_files_records() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_dynamis-verifier");
    let dir = std::env::temp_dir().join(format!("dynamis-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let made = Generator::new(14, &[Kind::HashChain, Kind::Ecdsa], 0.5).items(0..4, &|| {});
    let mut text = Vec::new();
    text.extend(input::to_json(&made[0].0).as_bytes());
    text.extend(b"\n\xff not utf-8\n{\"kind\":\"rsa\"}\n");
    for (item, _) in &made[1..] {
        text.extend(input::to_json(item).as_bytes());
        text.push(b'\n');
    }
    let file = dir.join("items.jsonl");
    std::fs::write(&file, &text).expect("write");
    let verdicts = dir.join("verdicts.jsonl");
    let out = Command::new(bin)
        .args(["verify", file.to_str().expect("path"), "--verdicts"])
        .arg(&verdicts)
        .output()
        .expect("run verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 malformed records skipped"));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&verdicts)
        .expect("verdicts")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 6);
    // Records 0, 3, 4, 5 are the generated items, with their labels; 1 and 2 are malformed.
    let expected = [
        Some(!made[0].1),
        None,
        None,
        Some(!made[1].1),
        Some(!made[2].1),
        Some(!made[3].1),
    ];
    for (i, (line, want)) in lines.iter().zip(expected).enumerate() {
        assert_eq!(line["index"], i, "{line}");
        match want {
            Some(valid) => {
                assert_eq!(line["valid"], valid, "{line}");
                assert!(line.get("malformed").is_none(), "{line}");
            }
            None => {
                assert_eq!(line["valid"], false, "{line}");
                assert!(line["malformed"].is_string(), "{line}");
            }
        }
    }
    // `prove 4` is the file's record 4 (made[2]), whatever its place in the batch.
    let out = Command::new(bin)
        .args(["prove", file.to_str().expect("path"), "4"])
        .output()
        .expect("run prove");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let proved: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let item = input::parse_json(&proved["item"].to_string()).expect("item");
    assert_eq!(item, made[2].0);
    for (index, words) in [
        ("1", "record 1 is malformed"),
        ("6", "the file has 6 records"),
    ] {
        let out = Command::new(bin)
            .args(["prove", file.to_str().expect("path"), index])
            .output()
            .expect("run prove");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words) && !err.contains("panicked"), "{err}");
    }
    for args in [["--verifiers", "0"], ["--verifiers", "2"], ["--bad", "1.5"]] {
        let out = Command::new(bin)
            .arg("demo")
            .args(args)
            .arg("--dir")
            .arg(dir.join("demo"))
            .output()
            .expect("run demo");
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(args[0]) && !err.contains("panicked"), "{err}");
    }
    std::fs::remove_dir_all(&dir).expect("clean");
}

/// The service's keys come from a keystore file that only its owner can read, or from the
/// environment; there is no default key, and no secret appears in the printed configuration,
/// in `Debug`, or in an error about a broken keystore.
#[test]
fn keys_come_from_a_private_keystore_or_the_environment_and_are_never_printed() {
    use dynamis_verifier::service::{config, Config, Keys};
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("dynamis-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::env::remove_var(config::ACCOUNT_ENV);
    std::env::remove_var(config::KEY_ENV);
    // No key configured: refused, pointing at the keystore.
    let none = Config::default().keys().unwrap_err().to_string();
    assert!(none.contains("keystore --out"), "{none}");

    std::env::remove_var(config::TOKEN_ENV);
    let keys = Keys::generate();
    let phrase = keys.account_suri.expose().to_string();
    assert_eq!(phrase.split(' ').count(), 12);
    // A fresh keystore holds an API token (64 hex digits), so its clients need it.
    let token = keys
        .api_token
        .clone()
        .expect("a token")
        .expose()
        .to_string();
    assert_eq!(
        (token.len(), token.chars().all(|c| c.is_ascii_hexdigit())),
        (64, true)
    );
    let path = dir.join("v.keys");
    keys.save(&path).expect("save");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // An existing keystore is never overwritten.
    assert!(Keys::generate().save(&path).is_err());
    let config = Config {
        keystore: Some(path.clone()),
        ..Config::default()
    };
    assert_eq!(config.keys().expect("keys"), keys);
    // The environment's token replaces the keystore's.
    std::env::set_var(config::TOKEN_ENV, "from-the-environment");
    let token_env = config.keys().expect("keys").api_token.expect("token");
    assert_eq!(token_env.expose(), "from-the-environment");
    std::env::remove_var(config::TOKEN_ENV);
    assert!(!format!("{:?}", config.keys().expect("keys")).contains(&token));
    let printed = config.to_toml();
    assert!(
        printed.contains("keystore = ") && !printed.contains(&phrase),
        "{printed}"
    );
    let with_keys = Config {
        keys: Some(keys.clone()),
        ..Config::default()
    };
    assert!(!with_keys.to_toml().contains(&phrase));
    assert!(!format!("{with_keys:?}").contains(&phrase));

    // Readable by others: refused, without the secret.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let open = config.keys().unwrap_err().to_string();
    assert!(
        open.contains("chmod 600") && !open.contains(&phrase),
        "{open}"
    );
    // Not a keystore (an unknown field beside a secret): refused, without the secret.
    let broken = dir.join("broken.keys");
    std::fs::write(
        &broken,
        format!("account_suri = \"{phrase}\"\nkey = \"{phrase}\"\n"),
    )
    .expect("write");
    std::fs::set_permissions(&broken, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let bad = Keys::load(&broken).unwrap_err().to_string();
    assert!(
        bad.contains("not a keystore") && !bad.contains(&phrase),
        "{bad}"
    );
    // A keystore in the configuration file itself is refused: secrets have no field there.
    let inline = format!("account_suri = \"{phrase}\"\n");
    let config_file = dir.join("inline.toml");
    std::fs::write(&config_file, inline).expect("write");
    let inline = Config::load(&config_file).unwrap_err().to_string();
    assert!(
        inline.contains("unknown field `account_suri`") && !inline.contains(&phrase),
        "{inline}"
    );

    // The environment takes precedence; one variable alone is an error.
    std::env::set_var(config::ACCOUNT_ENV, "//EnvAccount");
    let half = config.keys().unwrap_err().to_string();
    assert!(half.contains(config::KEY_ENV), "{half}");
    std::env::set_var(config::KEY_ENV, "//EnvKey");
    let from_env = config.keys().expect("keys");
    assert_eq!(from_env.key_suri.expose(), "//EnvKey");
    std::env::remove_var(config::ACCOUNT_ENV);
    std::env::remove_var(config::KEY_ENV);

    // The CLI writes a keystore and prints only public keys.
    let out_path = dir.join("cli.keys");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynamis-verifier"))
        .args(["keystore", "--out"])
        .arg(&out_path)
        .output()
        .expect("run keystore");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = Keys::load(&out_path).expect("written keystore");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("account      0x"), "{stdout}");
    assert!(
        !stdout.contains(written.account_suri.expose())
            && !stdout.contains(written.key_suri.expose())
    );
    std::fs::remove_dir_all(&dir).expect("clean");
}

/// The normal (not dev or build) dependencies of `dynamis-verifier` with these cargo flags.
fn dependency_tree(flags: &[&str]) -> Vec<String> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/Cargo.toml");
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--locked", "--manifest-path", manifest])
        .args(["-p", "dynamis-verifier", "-e", "normal", "--prefix", "none"])
        .args(flags)
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(' ').next().map(str::to_string))
        .collect()
}

#[test]
fn the_production_verifier_links_no_sandbox_runtime() {
    const SANDBOX: [&str; 4] = ["drink", "ink_sandbox", "pallet-contracts", "frame-support"];
    let linked = |tree: &[String]| -> Vec<&str> {
        SANDBOX
            .into_iter()
            .filter(|c| tree.iter().any(|t| t == c))
            .collect()
    };
    // The default build (demo and crash harness) has the sandbox; the check can see it...
    assert_eq!(linked(&dependency_tree(&[])), SANDBOX.to_vec());
    // ...and the production build (`--no-default-features`) has none of it.
    assert_eq!(
        linked(&dependency_tree(&["--no-default-features"])),
        Vec::<&str>::new()
    );
}

#[test]
fn streamed_digests_kept_levels_and_intake_digests_give_the_batch_verify_gives() {
    use dynamis_proofs::Crypto;
    use scale::Encode;
    let gen = Generator::new(5, &Kind::ALL, 0.2);
    let items: Vec<Item> = (0..300).map(|n| gen.item(n).0).collect();
    // The digest streams the encoding into SHA-256: the hash of the encoding, byte for byte.
    for item in &items {
        assert_eq!(
            <Native as Crypto>::sha256_encoded(item),
            <Native as Crypto>::sha256(&item.encode())
        );
    }
    for size in [1usize, 2, 3, 7, 64, 65, 300] {
        let set = items[..size].to_vec();
        let digests: Vec<_> = set.iter().map(item_digest::<Native>).collect();
        let fresh = Batch::verify(set.clone());
        let digested = Batch::verify_digested(set.clone(), digests);
        assert_eq!(digested.root(), fresh.root(), "size {size}");
        assert_eq!(digested.digests, fresh.digests);
        assert_eq!(digested.order, fresh.order);
        // What the store keeps is the tree's own levels below its root.
        let valid: Vec<bool> = fresh
            .verdicts
            .iter()
            .map(|v| *v == Verdict::Valid)
            .collect();
        assert_eq!(
            dynamis_verifier::batch::levels_of(&fresh.digests, &valid),
            fresh.tree.levels_below_root()
        );
        // Digests that do not match the items in number are not trusted.
        let short = Batch::verify_digested(set, Vec::new());
        assert_eq!(short.root(), fresh.root());
    }
}
