#!/usr/bin/env bash
# Makes samples/history/runs/: 16 real hey runs of one scenario against
# loadlab's server (../shared/loadlab), one per "release". From v2.5.0 on the
# server adds PERF_EXTRA_LATENCY_MS=60 to every /v1/* call: a real step change
# in latency partway through the series. hey -o csv keeps every request
# (150 per run), so the history holds real histograms.
#   samples/history/make.sh /path/to/loadlab
set -euo pipefail
LOADLAB="${1:?usage: make.sh /path/to/loadlab}"
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/runs"
RELEASES=(v2.0.0 v2.0.1 v2.1.0 v2.1.1 v2.2.0 v2.2.1 v2.3.0 v2.3.1 v2.4.0 v2.4.1 v2.5.0 v2.5.1 v2.6.0 v2.6.1 v2.7.0 v2.7.1)
rm -rf "$OUT"
i=0
for rel in "${RELEASES[@]}"; do
  i=$((i + 1))
  dir="$OUT/$(printf %02d "$i")-$rel"
  mkdir -p "$dir"
  env=()
  if [ "$i" -ge 11 ]; then env=(PERF_EXTRA_LATENCY_MS=60); fi
  "$LOADLAB/server_ctl.sh" start "${env[@]}" > /dev/null
  timeout 60 hey -n 150 -c 2 -o csv "http://127.0.0.1:8089/v1/deployments" > "$dir/run.csv"
  "$LOADLAB/server_ctl.sh" stop
  cat > "$dir/run.toml" <<TOML
name = "$rel"
scenario = "list-deployments"
users = 2
environment = "loadlab server on 127.0.0.1, ${env[*]:-no extra latency}; hey -n 150 -c 2"
TOML
  echo "$rel: $(wc -l < "$dir/run.csv") lines"
done
du -sh "$OUT"
