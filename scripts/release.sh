#!/usr/bin/env bash
# Builds the chartgen binary to ship, and prints its path. On Linux with glibc it is linked
# statically (a static PIE, so ASLR stays): no dynamic loader, libc, libm or libgcc_s to map and
# relocate at every start. chartgen is run once per chart in CI loops and pre-commit hooks, so
# start-up is a large share of its time; see the README's Speed section for the measurement.
#
# The flags cannot live in .cargo/config.toml: without an explicit --target, Cargo applies them
# to proc-macro crates too, which cannot be linked statically.
set -euo pipefail
cd "$(dirname "$0")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
case "$host" in
  *-linux-gnu) export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" ;;
esac
# The dist profile (Cargo.toml): fat LTO, one codegen unit; `cargo build --release` stays quick.
cargo build --profile dist --locked --quiet --target "$host"
echo "${CARGO_TARGET_DIR:-$PWD/target}/$host/dist/chartgen"
