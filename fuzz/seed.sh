#!/bin/sh
# Seeds each target's corpus with the project's fixtures of its format.
# Run from fuzz/: ./seed.sh
set -e
F=../tests/fixtures
seed() { mkdir -p "corpus/$1"; shift_target=$1; shift; for f in "$@"; do cp "$f" "corpus/$shift_target/"; done; }
seed locust_csv $F/locust/handmade/eighty/eighty_stats.csv $F/locust/real/loadhub-grpc/locust_stats.csv
seed locust_history $F/locust/handmade/co-dip/dip_stats_history.csv
seed locust_json $F/locust/json/peak.json
seed jmeter_jtl $F/jmeter/taurus-simple-kpi-2018.jtl $F/jmeter/taurus-tabs-2017.jtl $F/jmeter/perfplugin-multiline-label-2017.jtl
seed jmeter_statistics $F/jmeter/reqres-403-5.6.3_statistics.json
seed k6_summary $F/k6/summary/parabank-2025_summary.json $F/k6/summary-export/ticketreserve-2024_summary-export.json
mkdir -p corpus/k6_ndjson && head -60 $F/k6/ndjson/golangapi-2024_results.ndjson > corpus/k6_ndjson/head.ndjson
seed gatling $F/gatling/taurus-2017/simulation.log $F/gatling/binary-3.14.3/simulation.log
mkdir -p corpus/hey && head -60 $F/hey/create_n2000_c10.csv > corpus/hey/head.csv
seed ab $F/ab/list_n5000_c20_pct.csv
seed wrk $F/wrk/list_t2_c20_20s.txt $F/wrk/perfplugin-wrk-errors-2014.txt
seed vegeta $F/vegeta/handmade_results.json $F/vegeta/avitoshop-2025_report.json
seed artillery $F/artillery/real/artillery1-bank-2021_report.json
seed autocannon $F/autocannon/list_c20_20s.json
seed oha $F/oha/crushtest-oha-wrapped.json
mkdir -p corpus/generic_csv && head -60 $F/generic/checkout.csv > corpus/generic_csv/head.csv
mkdir -p corpus/resources && head -40 $F/resources/supersorter-docker-stats.csv > corpus/resources/docker.csv
printf 'timestamp,metric,value\n1795432343,cpu,12.5\n1795432344,rss,1048576\n' > corpus/resources/long.csv
mkdir -p corpus/resources_json && printf '[{"timestamp": 1795432343, "cpu": 12.5, "rss": 1048576}]\n' > corpus/resources_json/a.json
seed gzip $F/jmeter/results.jtl.gz
mkdir -p corpus/run_toml && printf 'name = "r"\nusers = 10\nnotes = "notes.md"\nduration = "10m"\n' > corpus/run_toml/a.toml
