# Sourced by scripts/demo and scripts/test: makes `uv` available and the locked
# environment in .venv up to date. Needs only Python 3.11+ and the package index.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
  if [ ! -x .tools/bin/uv ]; then
    # A private virtualenv keeps this working where the system Python refuses pip installs.
    python3 -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check uv
  fi
  export PATH="$PWD/.tools/bin:$PATH"
fi
export UV_PYTHON="${UV_PYTHON:-python3}"
# Some environments set PYTHONDONTWRITEBYTECODE; then every `cyd` process (and every
# real-process test) recompiles everything it imports. Cache bytecode as an installed
# program would (in __pycache__ folders, which git ignores).
unset PYTHONDONTWRITEBYTECODE
