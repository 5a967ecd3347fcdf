use dynamis_tests::{account, psp22::Psp22, BundleProvider, Chain};

#[test]
fn dyn_deploys() {
    let bundle = BundleProvider::DynToken.bundle().expect("bundle");
    let mut chain = Chain::new();
    let token = Psp22::deploy_dyn(&mut chain, &bundle.wasm, account(1), account(2)).value;
    assert_eq!(token.balance_of(&mut chain, account(2)), dyn_token::GENESIS_SUPPLY);
}
