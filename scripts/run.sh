#!/usr/bin/env bash
# Opens ConfirmDesk (installs what is missing first). Extra arguments go to the app/CLI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m confirm_desk "$@"
