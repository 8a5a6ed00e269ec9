#!/usr/bin/env python3
"""DuckDB's figures for a vegeta JSON-lines file (`vegeta encode --to json`),
the work perfreport does on it, for scripts/bench: per method and URL the
request count, the error rate (code 0 or 400 and more, as perfreport counts
failures) and p50/p95/p99 of `latency` (ns, responses only).

  duckdb_vegeta.py results.json[.gz]
"""
import sys

import duckdb

path = sys.argv[1].replace("'", "''")
q = f"""
SELECT method, url,
       count(*)                                                    AS n,
       avg(CASE WHEN code = 0 OR code >= 400 THEN 1.0 ELSE 0.0 END) AS error_rate,
       quantile_cont(latency, 0.50) FILTER (WHERE code <> 0)       AS p50,
       quantile_cont(latency, 0.95) FILTER (WHERE code <> 0)       AS p95,
       quantile_cont(latency, 0.99) FILTER (WHERE code <> 0)       AS p99
FROM read_ndjson('{path}')
GROUP BY method, url
ORDER BY method, url
"""
for row in duckdb.sql(q).fetchall():
    print(row)
