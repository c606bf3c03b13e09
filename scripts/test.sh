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

# Each step says what it runs, shows its progress, and how long it took.
step() {
  local what=$1 start=$SECONDS
  shift
  echo "== $what"
  "$@"
  echo "   $what: $((SECONDS - start)) s"
}
step "cargo fmt --check" cargo fmt --check
step "cargo clippy" cargo clippy --all-targets -- -D warnings
step "building the tests" cargo test --no-run
step "unit tests" cargo test --quiet --lib --bins
step "doc tests" cargo test --quiet --doc

# The integration tests (tests/chartgen/, one binary), one module at a time: each is a group
# with its own time. Tests within a group run in parallel, and share their Helm judges.
# libtest filters match anywhere in a name (`conventions::` also matches
# `helm_conventions::`), so each group runs its own tests by their exact names.
integration() { cargo test --quiet --test chartgen -- "$@"; }
all_tests=$(integration --list | sed -n 's/: test$//p')
total=$(printf '%s\n' "$all_tests" | grep -c . || true)
ran=0
for group in $(sed -n 's/^mod \([a-z_]*\);$/\1/p' tests/chartgen/main.rs); do
  names=$(printf '%s\n' "$all_tests" | grep "^$group::" || true)
  count=$(printf '%s\n' "$names" | grep -c . || true)
  [ "$count" -gt 0 ] || continue
  # shellcheck disable=SC2086 # one argument per test name; names have no spaces
  step "integration tests: $group ($count)" integration --format pretty --exact $names
  ran=$((ran + count))
done
if [ "$ran" -ne "$total" ]; then
  echo "scripts/test.sh ran $ran of the $total integration tests: each must be in a module" \
    "that tests/chartgen/main.rs declares" >&2
  exit 1
fi
