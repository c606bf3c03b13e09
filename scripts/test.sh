#!/usr/bin/env bash
# Runs every test chartgen has. First sets up what they need: a Python venv (.venv) with real
# Helm v4 (PyPI helm-python-sdk) and strict Kubernetes schemas (kubernetes-validate), pinned in
# tests/requirements.txt and reinstalled only when that file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.installed-requirements"
if ! cmp -s tests/requirements.txt "$stamp" 2>/dev/null; then
  echo "== setting up $venv (helm-python-sdk, kubernetes-validate)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
  cp tests/requirements.txt "$stamp"
fi
export CHARTGEN_PYTHON="$PWD/$venv/bin/python"

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test
