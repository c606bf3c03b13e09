#!/usr/bin/env bash
# Runs every test chartgen has. First sets up what they need: a Python venv (.venv) with real
# Helm v4 (PyPI helm-python-sdk), strict Kubernetes schemas (kubernetes-validate) and
# pre-commit, pinned in tests/requirements.txt, and one (.venv-checkov) with the checkov
# scanner, pinned in tests/requirements-checkov.txt; each is reinstalled only when its file
# changes.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v git >/dev/null || { echo "scripts/test.sh needs git: apt-get install git" >&2; exit 2; }
python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || {
  echo "scripts/test.sh needs Python 3.10 or newer with its venv module" \
    "(Debian, Ubuntu: apt-get install python3-venv)" >&2
  exit 2
}
venv=.venv
stamp="$venv/.installed-requirements"
if ! cmp -s tests/requirements.txt "$stamp" 2>/dev/null; then
  echo "== setting up $venv (helm-python-sdk, kubernetes-validate, pre-commit)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
  cp tests/requirements.txt "$stamp"
fi
export CHARTGEN_PYTHON="$PWD/$venv/bin/python"

checkov_venv=.venv-checkov
checkov_stamp="$checkov_venv/.installed-requirements"
if ! cmp -s tests/requirements-checkov.txt "$checkov_stamp" 2>/dev/null; then
  echo "== setting up $checkov_venv (checkov)"
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements-checkov.txt
  cp tests/requirements-checkov.txt "$checkov_stamp"
fi
export CHARTGEN_CHECKOV="$PWD/$checkov_venv/bin/checkov"

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test
