# Shared by the scripts in this folder: repository root, pinned versions, logging.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
CARGO_CONTRACT_VERSION="5.0.3"
# Every contract of the suite, in dependency order.
CONTRACTS=(dyn_token)

step() { printf '\n==> %s\n' "$*"; }
