# Shared by scripts/serve and scripts/test: find Python 3.11+, make the venv, install, compile
# the translation catalogue. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is required (python3.11 not found)." >&2
  return 1
}

# ensure_venv EXTRAS: install the project (with extras such as "dev") when pyproject changed.
ensure_venv() {
  local extras="${1:-}"
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtual environment in .venv"
    "$(find_python)" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Refurb ${extras:+with $extras extras}"
    "$VENV/bin/python" -m pip install --quiet -e "$spec"
    touch "$stamp"
  fi
  echo "==> compiling translations"
  "$VENV/bin/pybabel" compile -f -d refurb/translations >/dev/null 2>&1 || echo "(no translation catalogue to compile)"
}
