#!/bin/sh
# Runs every fuzz target for SECONDS each (default 300), one after another,
# on one core, and prints each target's executions and findings.
# Run from fuzz/: ./run_all.sh [SECONDS] [TARGET...]
# The targets are built once, then run directly: `cargo fuzz run` would
# rebuild before each target whenever the sources changed meanwhile.
# Findings are saved in artifacts/<target>/ (see README.md).
set -u
secs=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-$(cargo +nightly fuzz list)}
./seed.sh
cargo +nightly fuzz build -O || exit 2
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
for t in $targets; do
  mkdir -p "artifacts/$t"
  "$bin/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="artifacts/$t/" "corpus/$t" > "logs/$t.log" 2>&1
  rc=$?
  done_line=$(grep -E '^Done [0-9]+ runs' "logs/$t.log" | tail -n 1)
  found=$(ls "artifacts/$t" | wc -l)
  echo "$t: exit $rc; ${done_line:-no Done line (see logs/$t.log)}; artifacts: $found"
done
