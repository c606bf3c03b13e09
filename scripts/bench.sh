#!/usr/bin/env bash
# Measures generating the reference spec (examples/web-apps), in process and as a whole process,
# next to `cp -r` of the chart it writes, in the same run. Needs hyperfine (apt-get install
# hyperfine). Numbers go into the README's Speed section by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench.sh needs hyperfine: apt-get install hyperfine" >&2; exit 2; }

cargo build --release --quiet
cargo bench --quiet --bench render

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/web-apps/chartgen.yaml "$work/spec.yaml"
bin="$PWD/target/release/chartgen"
"$bin" generate -f "$work/spec.yaml" -o "$work/chart" >/dev/null

hyperfine --warmup 20 --runs 300 -N \
  --prepare "rm -rf $work/out" "$bin generate -f $work/spec.yaml -o $work/out" \
  --prepare "rm -rf $work/copy" "cp -r $work/chart $work/copy"
