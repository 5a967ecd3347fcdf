//! Realistic test sets: signatures by a pool of keys over distinct messages, inclusion claims
//! against real RFC 6962 trees, hash-chain segments; a chosen fraction made bad the way real
//! bad input is (a flipped bit in a signature or message, a wrong end, a wrong index).
//! Deterministic for a seed; generated in parallel.

use crate::crypto::Native;
use dynamis_proofs::{item::chain_end, leaf_hash, Hash, Item, Kind, Tree};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use sp_core::Pair;

/// Keys per kind: a realistic batch has many items per signer.
const KEYS: usize = 64;
/// Leaves per generated log that inclusion claims point into.
const LOG_LEAVES: u64 = 1000;

/// The keys and logs items are made from.
pub struct Generator {
    seed: u64,
    kinds: Vec<Kind>,
    bad_ppm: u32,
    ed: Vec<ed25519_zebra::SigningKey>,
    sr: Vec<schnorrkel::Keypair>,
    ec: Vec<sp_core::ecdsa::Pair>,
    log: Tree,
    log_leaves: Vec<Vec<u8>>,
}

impl Generator {
    /// A generator of `kinds` (cycled), with a `bad` fraction (0.0–1.0) of bad items.
    pub fn new(seed: u64, kinds: &[Kind], bad: f64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ed = (0..KEYS)
            .map(|_| ed25519_zebra::SigningKey::new(&mut rng))
            .collect();
        let sr = (0..KEYS)
            .map(|_| schnorrkel::MiniSecretKey::from_bytes(&rng.gen::<[u8; 32]>()))
            .filter_map(Result::ok)
            .map(|mini| mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519))
            .collect();
        let ec = (0..KEYS)
            .map(|_| sp_core::ecdsa::Pair::from_seed(&rng.gen::<[u8; 32]>()))
            .collect();
        let log_leaves: Vec<Vec<u8>> = (0..LOG_LEAVES)
            .map(|i| format!("log entry {i} of seed {seed}").into_bytes())
            .collect();
        let log = Tree::new::<Native>(log_leaves.iter().map(|l| leaf_hash::<Native>(l)).collect());
        Self {
            seed,
            kinds: if kinds.is_empty() {
                Kind::ALL.to_vec()
            } else {
                kinds.to_vec()
            },
            bad_ppm: (bad.clamp(0.0, 1.0) * 1e6) as u32,
            ed,
            sr,
            ec,
            log,
            log_leaves,
        }
    }

    /// Item number `n` (the same for the same seed, whatever order they are made in) and
    /// whether it was made bad.
    pub fn item(&self, n: u64) -> (Item, bool) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let kind = self.kinds[(n % self.kinds.len() as u64) as usize];
        let bad = rng.gen_range(0..1_000_000) < self.bad_ppm;
        let mut message = format!("dynamis item {n}: ").into_bytes();
        message.extend((0..48).map(|_| rng.gen::<u8>()));
        let key = rng.gen_range(0..KEYS);
        let item = match kind {
            Kind::Ed25519 => {
                let sk = &self.ed[key];
                let mut signature: [u8; 64] = sk.sign(&message).into();
                if bad {
                    signature[rng.gen_range(0..64)] ^= 1 << rng.gen_range(0..8);
                }
                Item::Ed25519 {
                    public: ed25519_zebra::VerificationKey::from(sk).into(),
                    signature,
                    message,
                }
            }
            Kind::Sr25519 => {
                let kp = &self.sr[key % self.sr.len()];
                let context = schnorrkel::signing_context(crate::verify::sr25519::CONTEXT);
                // Signing nonces from the item's own generator keep the set reproducible.
                let transcript = schnorrkel::context::attach_rng(context.bytes(&message), &mut rng);
                let signature = kp.sign(transcript).to_bytes();
                if bad {
                    let at = rng.gen_range(0..message.len());
                    message[at] ^= 1;
                }
                Item::Sr25519 {
                    public: kp.public.to_bytes(),
                    signature,
                    message,
                }
            }
            Kind::Ecdsa => {
                let pair = &self.ec[key];
                let mut signature = pair.sign(&message).0;
                if bad {
                    signature[rng.gen_range(0..32)] ^= 1;
                }
                Item::Ecdsa {
                    public: pair.public().0,
                    signature,
                    message,
                }
            }
            Kind::Inclusion => {
                let index = rng.gen_range(0..LOG_LEAVES);
                let claimed = if bad { (index + 1) % LOG_LEAVES } else { index };
                Item::Inclusion {
                    leaf: self.log_leaves[index as usize].clone(),
                    index: claimed,
                    size: LOG_LEAVES,
                    proof: self.log.proof(index).unwrap_or_default(),
                    root: self.log.root(),
                }
            }
            Kind::HashChain => {
                let start: Hash = rng.gen();
                let count = rng.gen_range(16..=256);
                let mut end = chain_end::<Native>(&start, count);
                if bad {
                    end[0] ^= 1;
                }
                Item::HashChain { start, count, end }
            }
        };
        (item, bad)
    }

    /// Items `range`, made in parallel, calling `tick` once per item made.
    pub fn items(
        &self,
        range: std::ops::Range<u64>,
        tick: &(dyn Fn() + Sync),
    ) -> Vec<(Item, bool)> {
        range
            .into_par_iter()
            .map(|n| {
                let made = self.item(n);
                tick();
                made
            })
            .collect()
    }
}
