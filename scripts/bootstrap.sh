#!/usr/bin/env bash
# Makes the machine ready: the Debian libraries Qt needs, then a local .venv with the project's
# dependencies. Idempotent and quiet when everything is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
WANT_TEST="${1:-}"

need_debs=()
check_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_debs+=("$1"); }
if command -v dpkg-query >/dev/null 2>&1; then
  for p in libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3; do check_deb "$p"; done
  if [ "$WANT_TEST" = "test" ]; then
    for p in poppler-utils zbar-tools; do check_deb "$p"; done
  else
    for p in libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1; do check_deb "$p"; done
  fi
  if [ "${#need_debs[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "安装系统库: ${need_debs[*]}" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}") >&2
    else
      echo "缺少系统库 (请用管理员安装): ${need_debs[*]}" >&2
    fi
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
STAMP="$VENV/.deps-${WANT_TEST:-app}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  extra=""
  [ "$WANT_TEST" = "test" ] && extra="[test]"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$extra" >&2
  touch "$STAMP"
fi
