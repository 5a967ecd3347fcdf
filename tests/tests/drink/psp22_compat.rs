//! DYN speaks PSP22 exactly as the reference implementation (crate `psp22` 2.0.0) does: the same
//! event signature topics and field encodings, the same error encoding, so indexers, wallets
//! and contracts written against the reference read DYN unchanged.

use dynamis_shared::{Approval, PSP22Error, Transfer};
use dynamis_tests::{account, psp22::Psp22, BundleProvider, Runtime};
use ink::env::Event;
use scale::{Decode, Encode};

#[test]
fn event_signature_topics_match_the_reference() {
    assert_eq!(Transfer::SIGNATURE_TOPIC, psp22::Transfer::SIGNATURE_TOPIC);
    assert_eq!(Approval::SIGNATURE_TOPIC, psp22::Approval::SIGNATURE_TOPIC);
    assert!(Transfer::SIGNATURE_TOPIC.is_some());
}

#[test]
fn events_emitted_by_dyn_decode_as_the_reference_events() {
    let wasm = dynamis_tests::bundle(BundleProvider::DynToken).wasm;
    let mut chain = Runtime::new();
    let (genesis, bob, spender) = (account(2), account(20), account(22));
    let token = Psp22::deploy_dyn(&mut chain, &wasm, account(1), genesis).value;
    token.approve(&mut chain, genesis, spender, 10);
    let called = token.transfer_from(&mut chain, spender, genesis, bob, 4);
    assert_eq!(called.events.len(), 2);

    let approval =
        psp22::Approval::decode(&mut &called.events[0].data[..]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (approval.owner, approval.spender, approval.amount),
        (genesis, spender, 6)
    );
    let transfer =
        psp22::Transfer::decode(&mut &called.events[1].data[..]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (transfer.from, transfer.to, transfer.value),
        (Some(genesis), Some(bob), 4)
    );
    // Topics: the signature, then the indexed fields, as the reference's own emission has them.
    assert_eq!(
        called.events[1].topics.first().copied(),
        psp22::Transfer::SIGNATURE_TOPIC
    );
    assert_eq!(called.events[1].topics.len(), 3);
}

#[test]
fn errors_encode_exactly_as_the_reference_errors() {
    let pairs = [
        (
            PSP22Error::Custom("NotMinter".into()),
            psp22::PSP22Error::Custom("NotMinter".into()),
        ),
        (
            PSP22Error::InsufficientBalance,
            psp22::PSP22Error::InsufficientBalance,
        ),
        (
            PSP22Error::InsufficientAllowance,
            psp22::PSP22Error::InsufficientAllowance,
        ),
        (
            PSP22Error::ZeroRecipientAddress,
            psp22::PSP22Error::ZeroRecipientAddress,
        ),
        (
            PSP22Error::ZeroSenderAddress,
            psp22::PSP22Error::ZeroSenderAddress,
        ),
        (
            PSP22Error::SafeTransferCheckFailed("x".into()),
            psp22::PSP22Error::SafeTransferCheckFailed("x".into()),
        ),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours.encode(), theirs.encode(), "{ours:?}");
        assert_eq!(PSP22Error::decode(&mut &theirs.encode()[..]), Ok(ours));
    }
}
