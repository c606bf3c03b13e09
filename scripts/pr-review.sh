#!/usr/bin/env bash
# Writes one markdown pull-request comment on stdout: what the checked-out tree changes, since
# its merge base with BASE_REF (e.g. origin/main), in every chartgen spec and Helm chart.
#  - each changed chartgen.yaml: `chartgen diff --format markdown` of the chart the spec
#    generates now against the chart at the base (files, values, hazards, version bump);
#  - each chart with a changed file (the nearest folder holding Chart.yaml, at the base or
#    now): `helm template` of both sides, then `chartgen review --format markdown` of the two
#    renders (objects changed field by field, effect on the release, hazards).
# Needs git, chartgen and helm on PATH; examples/ci/ has GitHub Actions and GitLab CI jobs
# that post the comment. The comment is always written whole; the exit status is 2 when a
# command failed (its error is in the comment), else 0.
#
# Usage: scripts/pr-review.sh BASE_REF > comment.md
set -euo pipefail
base_ref=${1:?usage: scripts/pr-review.sh BASE_REF > comment.md}
for tool in git chartgen helm; do
  command -v "$tool" >/dev/null || { echo "pr-review.sh: $tool is not on PATH" >&2; exit 2; }
done
cd "$(git rev-parse --show-toplevel)"
base=$(git merge-base "$base_ref" HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# Folder $1 as it was at the base, under $work/base (empty when it did not exist).
at_base() {
  mkdir -p "$work/base/$1"
  if git cat-file -e "$base:$1" 2>/dev/null; then
    git archive "$base" -- "$1" | tar -x -C "$work/base"
  fi
  echo "$work/base/$1"
}

# The shortest run of backticks, at least $2 long, that text $1 does not hold: a Markdown
# fence the text cannot close (as chartgen's own markdown chooses it).
fence() {
  local run
  run=$(printf '%*s' "$2" '' | tr ' ' '`')
  while [[ $1 == *"$run"* ]]; do run+='`'; done
  printf '%s' "$run"
}

# Text $1 (a folder name a PR author chose) as Markdown inline code that holds it.
code() {
  local fence pad=''
  fence=$(fence "$1" 1)
  if [[ $1 == ['` ']* || $1 == *['` '] ]]; then pad=' '; fi
  printf '%s%s%s%s%s' "$fence" "$pad" "$1" "$pad" "$fence"
}

# Puts the error of command $1 (in $work/err) into the comment and on stderr.
failed() {
  status=2
  local err fence
  err=$(cat "$work/err")
  fence=$(fence "$err" 3)
  printf '%s failed:\n\n%s\n%s\n%s\n' "$(code "$1")" "$fence" "$err" "$fence"
  cat "$work/err" >&2
}

# Runs a command whose exit 1 means "different" and prints its output, or its error.
section() {
  local out
  if out=$("$@" 2>"$work/err") || [ $? = 1 ]; then
    printf '%s\n' "$out"
  else
    failed "$*"
  fi
}

# What `helm template` renders of chart $1 as release $2; nothing where there is no chart.
render() {
  [ -f "$1/Chart.yaml" ] || return 0
  helm template "$2" "$1"
}

changed=$(git diff --no-renames --name-only "$base" HEAD)
mapfile -t specs < <(printf '%s\n' "$changed" | grep -E '(^|/)chartgen\.yaml$' | while read -r f; do
  if [ -f "$f" ]; then dirname "$f"; fi
done | sort -u)
mapfile -t charts < <(printf '%s\n' "$changed" | while read -r f; do
  [ -n "$f" ] || continue
  d=$(dirname "$f")
  while :; do
    if [ -f "$d/Chart.yaml" ] || git cat-file -e "$base:$d/Chart.yaml" 2>/dev/null; then
      echo "$d"
      break
    fi
    [ "$d" != . ] || break
    d=$(dirname "$d")
  done
done | sort -u)

short=$(git rev-parse --short "$base")
if [ ${#specs[@]} = 0 ] && [ ${#charts[@]} = 0 ]; then
  echo "**chartgen**: no chartgen spec and no Helm chart changed since $(code "$short")."
  exit 0
fi
echo "**chartgen**: what this change does to specs and charts since $(code "$short"), the merge base with $(code "$base_ref")."
for dir in "${specs[@]}"; do
  echo
  echo "## $(code "$dir"): the chart its spec generates"
  echo
  section chartgen diff "$dir" --against "$(at_base "$dir")" --format markdown --color never
done
for dir in "${charts[@]}"; do
  echo
  echo "## $(code "$dir"): the objects \`helm template\` renders"
  echo
  release=$(basename "$dir")
  [ "$dir" != . ] || release=$(basename "$PWD")
  old=$(at_base "$dir")
  if render "$old" "$release" >"$work/old.yaml" 2>"$work/err" &&
    render "$dir" "$release" >"$work/new.yaml" 2>"$work/err"; then
    section chartgen review "$work/old.yaml" "$work/new.yaml" --format markdown --color never
  else
    failed "helm template $release $dir"
  fi
done
exit "$status"
