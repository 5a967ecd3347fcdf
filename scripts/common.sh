# Shared by the scripts in this folder: repository root, pinned versions, logging.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-contract and drink build each contract from a temporary copy, where
# .cargo/config.toml is not found: the same resolver rule, as an environment variable.
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
CARGO_CONTRACT_VERSION="5.0.3"
# Every contract of the suite, in dependency order.
CONTRACTS=(dyn_token reputation bonding attestations mint_credits governance power_flux)

# Each step says how long its script has run so far, so a slow CI run shows where the time went.
step() { printf '\n==> [%d s] %s\n' "$SECONDS" "$*"; }
