#!/usr/bin/env python3
"""Deterministic inputs for scripts/bench's shard and Locust history rows (stdlib only).

  gen_bench_inputs.py shards --files N --rows R --out DIR
      N JMeter JTL CSV files (pod-0000.jtl ...) of R rows each, as distributed
      JMeter writes them: the N injectors run at once over the same hour, 12
      labels, log-normal response times with a slow window, ~0.5 % failures.
  gen_bench_inputs.py locust-history --src PREFIX_stats_history.csv --rows N --out DIR/PREFIX
      A Locust stats_history CSV of N rows: the real rows of --src repeated,
      one second further each block, running totals carried on; its
      PREFIX_stats.csv beside it is copied too.
  gen_bench_inputs.py endpoints --labels L --rows N --out FILE
      One JMeter JTL CSV of N rows over an hour with L distinct labels (an
      unnormalised URL per resource, "GET /api/items/17"), every label met
      early and again all through the file (so parallel chunks meet the names
      in different orders), a few busy labels and a long tail, each label its
      own log-normal response times, ~0.5 % failures. 8,000,000 rows make
      about 1.2 GB.
"""
import argparse
import math
import os
import random
import shutil

HEADER = ("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
          "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
LABELS = ["GET /api/items", "GET /api/items/{id}", "POST /api/cart", "GET /api/cart",
          "POST /api/checkout", "GET /api/user", "GET /health", "POST /api/login",
          "GET /api/search", "PUT /api/cart/{id}", "DELETE /api/cart/{id}", "GET /static/app.js"]
T0 = 1_764_633_600_000  # 2025-12-02T00:00:00Z, ms


def shards(files, rows, out):
    os.makedirs(out, exist_ok=True)
    span_ms = 3_600_000
    for f in range(files):
        rnd = random.Random(1_000_003 * f + rows)
        ts = sorted(T0 + rnd.randrange(span_ms) for _ in range(rows))
        with open(os.path.join(out, f"pod-{f:04d}.jtl"), "w") as w:
            w.write(HEADER)
            for t in ts:
                label = LABELS[min(int(rnd.expovariate(0.35)), len(LABELS) - 1)]
                slow = 3.0 if 1_200_000 <= t - T0 < 1_500_000 else 1.0
                elapsed = max(1, int(rnd.lognormvariate(math.log(40 * slow), 0.6)))
                ok = rnd.random() >= 0.005
                code, msg = ("200", "OK") if ok else ("500", "Internal Server Error")
                fail = "" if ok else "Test failed: code expected 200"
                w.write(f"{t},{elapsed},{label},{code},{msg},pod-{f} 1-{rnd.randrange(1, 51)},text,"
                        f"{'true' if ok else 'false'},{fail},{rnd.randrange(200, 4000)},180,50,{50 * files},"
                        f"http://target:8080{label.split(' ', 1)[1]},{max(0, elapsed - 2)},0,"
                        f"{rnd.randrange(0, 3)}\n")


def endpoints(labels, rows, out):
    rnd = random.Random(50_000 * labels + rows)
    span_ms = 3_600_000
    # Each label's median response time, 5 ms to 2 s: per-label histograms differ in range.
    medians = [5.0 * math.exp(rnd.random() * math.log(400)) for _ in range(labels)]
    names = [f"{('GET', 'GET', 'POST', 'PUT')[i % 4]} /api/items/{i}" for i in range(labels)]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as w:
        w.write(HEADER)
        for r in range(rows):
            t = T0 + r * span_ms // rows
            if r < labels:
                i = r  # every label once at the start
            elif rnd.random() < 0.3:
                i = min(int(rnd.expovariate(0.05)), labels - 1)  # a few busy labels
            else:
                i = rnd.randrange(labels)  # the long tail, all through the file
            label = names[i]
            elapsed = max(1, int(rnd.lognormvariate(math.log(medians[i]), 0.5)))
            ok = rnd.random() >= 0.005
            code, msg = ("200", "OK") if ok else ("500", "Internal Server Error")
            fail = "" if ok else "Test failed: code expected 200"
            w.write(f"{t},{elapsed},{label},{code},{msg},Users 1-{rnd.randrange(1, 201)},text,"
                    f"{'true' if ok else 'false'},{fail},{rnd.randrange(200, 4000)},180,200,200,"
                    f"http://target:8080{label.split(' ', 1)[1]},{max(0, elapsed - 2)},0,"
                    f"{rnd.randrange(0, 3)}\n")


def locust_history(src, rows, out):
    with open(src) as r:
        header = r.readline()
        body = [line.rstrip("\n").split(",") for line in r if line.strip()]
    blocks = {}
    for row in body:
        blocks.setdefault(int(row[0]), []).append(row)
    order = sorted(blocks)
    last = blocks[order[-1]]
    carry_req = {(row[2], row[3]): int(row[17]) for row in last}
    carry_fail = {(row[2], row[3]): int(row[18]) for row in last}
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    written, t, cycle = 0, order[0], 0
    with open(out + "_stats_history.csv", "w") as w:
        w.write(header)
        while written < rows:
            for ts in order:
                for row in blocks[ts]:
                    if written == rows:
                        break
                    key = (row[2], row[3])
                    new = list(row)
                    new[0] = str(t)
                    new[17] = str(int(row[17]) + cycle * carry_req.get(key, 0))
                    new[18] = str(int(row[18]) + cycle * carry_fail.get(key, 0))
                    w.write(",".join(new) + "\n")
                    written += 1
                t += 1
            cycle += 1
    stats = src.replace("_stats_history.csv", "_stats.csv")
    shutil.copy(stats, out + "_stats.csv")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("shards")
    s.add_argument("--files", type=int, required=True)
    s.add_argument("--rows", type=int, default=1000)
    s.add_argument("--out", required=True)
    h = sub.add_parser("locust-history")
    h.add_argument("--src", required=True)
    h.add_argument("--rows", type=int, default=100_000)
    h.add_argument("--out", required=True)
    e = sub.add_parser("endpoints")
    e.add_argument("--labels", type=int, default=50_000)
    e.add_argument("--rows", type=int, default=8_000_000)
    e.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "shards":
        shards(a.files, a.rows, a.out)
    elif a.cmd == "endpoints":
        endpoints(a.labels, a.rows, a.out)
    else:
        locust_history(a.src, a.rows, a.out)


if __name__ == "__main__":
    main()
