#!/usr/bin/env python3
"""Fills a perfreport history (SQLite, schema v1) with synthetic runs for the
benchmark: RUNS runs of one scenario x ENDPOINTS endpoints, deterministic
(fixed seed). P95 wanders around 40 ms with 5 % noise and steps up 20 % at
run 7,000, so the change-point search has one real change to find.

The file must already exist with perfreport's schema (scripts/bench-history
creates it by importing a real summary first). Histograms are left NULL:
2 million endpoint histograms would be gigabytes, and the trend never reads
them. Usage: gen_history_db.py DB RUNS ENDPOINTS
"""
import json
import random
import sqlite3
import sys

db, runs, endpoints = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261202)
con = sqlite3.connect(db)
(version,) = con.execute("SELECT max(version) FROM schema_version").fetchone()
assert version == 1, f"schema v{version}, this generator writes v1"
names = [f"/api/v1/resource-{i:03d}" for i in range(endpoints)]
summary = json.dumps({"name": "bench", "score": {"rules": [
    {"id": "p95", "metric": "p95", "scope": "total", "target": "< 50ms"}]}})
cur = con.cursor()
for r in range(runs):
    step = 1.2 if r >= 7000 else 1.0
    p95 = 40.0 * step * (1 + 0.05 * rng.gauss(0, 1))
    t = 1767225600 + r * 3600
    run_at = __import__("datetime").datetime.utcfromtimestamp(t).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    cur.execute(
        "INSERT INTO runs (digest, run_at, recorded_at, started_at, label, commit_sha, branch, scenario, name, tool, users, sla, verdict, score, pass_score, simulated, duration_s, summary_json, requests, failures, error_rate, throughput_rps, p50_ms, p90_ms, p95_ms, p99_ms, min_ms, avg_ms, max_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, 'main', 'bench', 'bench', 'hey', 50, 'Bench', 'pass', ?, 70, 0, 600, ?, 60000, 30, 0.0005, 100, ?, ?, ?, ?, 1, ?, ?)",
        (f"bench-{r}", run_at, run_at, run_at, f"r{r}", f"{r:040x}", 90 + rng.random() * 10,
         summary if r == runs - 1 else "{}", p95 * 0.5, p95 * 0.9, p95, p95 * 1.5, p95 * 0.6, p95 * 3))
    run_id = cur.lastrowid
    cur.executemany(
        "INSERT INTO endpoints (run_id, position, method, name, requests, failures, error_rate, throughput_rps, p50_ms, p90_ms, p95_ms, p99_ms, min_ms, avg_ms, max_ms) "
        "VALUES (?, ?, 'GET', ?, 300, 0, 0, 0.5, ?, ?, ?, ?, 1, ?, ?)",
        [(run_id, i, n, v * 0.5, v * 0.9, v, v * 1.5, v * 0.6, v * 3)
         for i, n in enumerate(names)
         for v in [p95 * (0.5 + i / endpoints) * (1 + 0.05 * rng.gauss(0, 1))]])
con.commit()
print(f"{db}: {runs} runs x {endpoints} endpoints added")
