#!/usr/bin/env bash
# chartgen's speed, each figure next to a baseline measured in the same run. Needs hyperfine
# (apt-get install hyperfine) and git. The README's Speed section quotes the results.
#  1. generate the reference spec (examples/web-apps) as a whole process vs `cp -r` of its chart
#  2. in-process: parse + validate, render, and the review of a large change
#  3. `generate --check` over 500 charts
#  4. `diff -ru` and `git diff --no-index` on the large change's trees
#  5. `chartgen diff` of one chart against its spec vs `diff -ru` of the same two folders, for
#     the shipped binary (scripts/release.sh: profile dist, fat LTO, static) and the one
#     `cargo build --release` makes (no LTO, dynamic)
#  6. the floor under 5: process start; + reading and checking the spec; + hashing the chart
#     on disk (`generate --check` of an up-to-date chart: its lock's fingerprint holds)
#  7. `chartgen diff` of a large chart (190 hooks, 204 files) against its spec vs `diff -ru`
#  8. `chartgen review` of two renders of ~200 objects (~340 KB each, 4 objects changed) vs
#     `diff -u` of the same two files
#  9. `chartgen diff` of an unchanged chart in its folder (the lock's fingerprint holds: nothing
#     to render) vs `diff -ru` of that folder and a copy
# Whole-process figures use the shipped binary.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench.sh needs hyperfine: apt-get install hyperfine" >&2; exit 2; }

bin=$(bash scripts/release.sh) # the shipped binary: profile dist, static
cargo build --release --quiet
dynamic="${CARGO_TARGET_DIR:-$PWD/target}/release/chartgen"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== 1. generate vs cp -r"
cp examples/web-apps/chartgen.yaml "$work/spec.yaml"
"$bin" generate -f "$work/spec.yaml" -o "$work/chart" >/dev/null
hyperfine --warmup 20 --runs 300 -N \
  --prepare "rm -rf $work/out" "$bin generate -f $work/spec.yaml -o $work/out" \
  --prepare "rm -rf $work/copy" "cp -r $work/chart $work/copy"

echo "== 2. in process"
cargo bench --quiet --bench render

echo "== 3. generate --check over 500 charts"
for i in $(seq 1 500); do
  mkdir -p "$work/fleet/svc-$i"
  sed "s/^name: web-apps/name: svc-$i/" examples/web-apps/chartgen.yaml > "$work/fleet/svc-$i/chartgen.yaml"
done
"$bin" generate -r "$work/fleet" >/dev/null
hyperfine --warmup 2 --runs 10 -N "$bin generate --check -r $work/fleet"

echo "== 4. a large change (200 files, ~5% of lines): diff -ru and git diff --no-index"
cargo bench --quiet --bench render -- --write-trees "$work/trees"
hyperfine --warmup 5 --runs 50 -i -N \
  "diff -ru $work/trees/old $work/trees/new" \
  "git diff --no-index --no-color $work/trees/old $work/trees/new"

echo "== 5. chartgen diff of one chart vs diff -ru of the same folders"
cp -r "$work/chart" "$work/edited"
sed -i 's/^replicas: 1/replicas: 3/; s/size: 1Gi/size: 2Gi/' "$work/spec.yaml"
"$bin" generate -f "$work/spec.yaml" -o "$work/edited" >/dev/null
sed -i 's/^replicas: 3/replicas: 1/; s/size: 2Gi/size: 1Gi/' "$work/spec.yaml"
hyperfine --warmup 20 --runs 300 -i -N \
  "$bin diff -f $work/spec.yaml --against $work/edited --color never" \
  "$dynamic diff -f $work/spec.yaml --against $work/edited --color never" \
  "diff -ru $work/chart $work/edited"

echo "== 6. the floor: start; + read and check the spec; + hash the chart (up to date)"
hyperfine --warmup 20 --runs 300 -N \
  "$bin --version" \
  "$bin validate -f $work/spec.yaml" \
  "$bin generate --check -f $work/spec.yaml -o $work/chart" \
  "diff --version"

echo "== 7. a large chart from a spec (190 hooks: 204 files, ~830 KB), 10 hooks changed"
{
  printf 'name: big\nversion: 0.1.0\nimage: {repository: ghcr.io/acme/api, tag: "1.0"}\nport: 8000\nhooks:\n'
  for i in $(seq -w 1 190); do
    printf '  - name: job-%s\n    events: [pre-install]\n    command: [/app/task]\n    weight: 1\n' "$i"
  done
} > "$work/big.yaml"
"$bin" generate -f "$work/big.yaml" -o "$work/big" >/dev/null
awk '/weight:/ { n++; if (n % 19 == 0) sub(/1$/, "2") } { print }' "$work/big.yaml" > "$work/big-edited.yaml"
"$bin" generate -f "$work/big-edited.yaml" -o "$work/big-edited" >/dev/null
hyperfine --warmup 5 --runs 50 -i -N \
  "$bin diff -f $work/big.yaml --against $work/big-edited --color never" \
  "diff -ru $work/big $work/big-edited"

echo "== 8. chartgen review of two renders (~200 objects, ~340 KB each) vs diff -u of the same files"
# 14 releases of Bitnami redis (tests/fixtures/review) in one stream; 4 StatefulSets change.
: > "$work/old.yaml"; : > "$work/new.yaml"
for i in $(seq 1 14); do
  changed=tests/fixtures/review/redis-default.yaml
  [ $((i % 5)) = 0 ] && changed=tests/fixtures/review/redis-replicas-5.yaml
  [ $((i % 7)) = 0 ] && changed=tests/fixtures/review/redis-master-16Gi.yaml
  sed "s/cache-redis/cache$i-redis/g" tests/fixtures/review/redis-default.yaml >> "$work/old.yaml"
  sed "s/cache-redis/cache$i-redis/g" "$changed" >> "$work/new.yaml"
done
hyperfine --warmup 10 --runs 200 -i -N \
  "$bin review $work/old.yaml $work/new.yaml --color never" \
  "diff -u $work/old.yaml $work/new.yaml"

echo "== 9. chartgen diff of an unchanged chart vs diff -ru of it and a copy"
mkdir "$work/unchanged"
cp examples/web-apps/chartgen.yaml "$work/unchanged/"
"$bin" generate "$work/unchanged" >/dev/null
cp -r "$work/unchanged" "$work/unchanged-copy"
hyperfine --warmup 20 --runs 300 -N \
  "$bin diff $work/unchanged --color never" \
  "diff -ru $work/unchanged $work/unchanged-copy"
