#!/usr/bin/env python3
"""Per-request-name count, KO rate and p50/p95/p99 of the response time from a
Gatling text simulation.log (Gatling 3.4+ layout: REQUEST, groups, name, start
ms, end ms, OK|KO, message), via DuckDB: the same work perfreport does on it,
for scripts/bench.

  python3 scripts/duckdb_gatling.py simulation.log[.gz]
"""
import sys

import duckdb

path = sys.argv[1].replace("'", "''")
# Records have different numbers of fields (RUN 6, USER 4, REQUEST 6 or 7):
# read every line as up to 7 text columns, TAB-separated, no quoting.
q = f"""
WITH r AS (
  SELECT c2 AS name,
         CAST(c4 AS BIGINT) - CAST(c3 AS BIGINT) AS ms,
         c5 = 'KO' AS ko
  FROM read_csv('{path}', delim = '\t', header = false, quote = '', escape = '',
                null_padding = true, all_varchar = true, auto_detect = false,
                columns = {{'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR',
                           'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR'}})
  WHERE c0 = 'REQUEST'
)
SELECT name,
       count(*)                               AS n,
       avg(CASE WHEN ko THEN 1.0 ELSE 0.0 END) AS ko_rate,
       quantile_cont(ms, 0.50)                AS p50,
       quantile_cont(ms, 0.95)                AS p95,
       quantile_cont(ms, 0.99)                AS p99
FROM r
GROUP BY name
ORDER BY name
"""
for row in duckdb.sql(q).fetchall():
    print(row)
