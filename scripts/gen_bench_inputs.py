#!/usr/bin/env python3
"""Deterministic inputs for scripts/bench's shard and Locust history rows (stdlib only).

  gen_bench_inputs.py shards --files N --rows R --out DIR
      N JMeter JTL CSV files (pod-0000.jtl ...) of R rows each, as distributed
      JMeter writes them: the N injectors run at once over the same hour, 12
      labels, log-normal response times with a slow window, ~0.5 % failures.
  gen_bench_inputs.py jmeter-xml --src FIXTURE.jtl [--src ...] --bytes N --out FILE.jtl
      A JMeter XML JTL of about N bytes and its CSV twin FILE.csv.jtl (the
      same samples, JMeter's CSV columns): the real top-level samples of the
      --src XML JTLs (their sub-results, assertion results and URLs kept as
      written) resampled with new start times over an hour, new elapsed
      times (log-normal around the original) and threads, in start order.
  gen_bench_inputs.py locust-history --src PREFIX_stats_history.csv --rows N --out DIR/PREFIX
      A Locust stats_history CSV of N rows: the real rows of --src repeated,
      one second further each block, running totals carried on; its
      PREFIX_stats.csv beside it is copied too.
"""
import argparse
import csv
import math
import os
import random
import re
import shutil
import xml.etree.ElementTree as ET

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


TOP_SAMPLE = re.compile(r"^<(httpSample|sample)[ >].*?^</\1>\n|^<(?:httpSample|sample) [^\n]*/>\n",
                        re.S | re.M)
XML_CSV_HEADER = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName",
                  "dataType", "success", "failureMessage", "bytes", "grpThreads", "allThreads",
                  "Latency"]


def jmeter_xml(srcs, size, out):
    pool = []
    for src in srcs:
        with open(src, encoding="utf-8") as r:
            text = r.read()
        for m in TOP_SAMPLE.finditer(text):
            raw = m.group(0)
            el = ET.fromstring(raw)
            fail = ""
            for a in el.findall("assertionResult"):
                if (a.findtext("failure") or a.findtext("error") or "").strip() == "true":
                    fail = (a.findtext("failureMessage") or "").strip()
                    break
            pool.append((raw, dict(el.attrib), fail))
    passing = [p for p in pool if p[1].get("s") != "false"]
    failing = [p for p in pool if p[1].get("s") == "false"] or passing
    rnd = random.Random(20261202)
    t0, span = T0, 3_600_000
    # Start times first (sorted), so the file is in start order.
    mean = lambda g: sum(len(p[0]) for p in g) / len(g)
    avg = 0.995 * mean(passing) + 0.005 * mean(failing)
    count = int(size / avg)
    starts = sorted(t0 + rnd.randrange(span) for _ in range(count))
    with open(out, "w", encoding="utf-8") as x, open(out[:-4] + ".csv.jtl", "w", newline="",
                                                      encoding="utf-8") as c:
        w = csv.writer(c, lineterminator="\n")
        w.writerow(XML_CSV_HEADER)
        x.write('<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n')
        for ts in starts:
            group = failing if rnd.random() < 0.005 else passing
            raw, a, fail = group[rnd.randrange(len(group))]
            t = max(1, int(int(a.get("t", "1")) * rnd.lognormvariate(0, 0.4)))
            thread = f"Web Users 1-{rnd.randrange(1, 201)}"
            # The start tag's figures change; the rest stays as JMeter wrote it.
            i = raw.index(">")
            head = re.sub(r' t="\d+"', f' t="{t}"', raw[:i], count=1)
            head = re.sub(r' ts="\d+"', f' ts="{ts}"', head, count=1)
            head = re.sub(r' tn="[^"]*"', f' tn="{thread}"', head, count=1)
            x.write(head + raw[i:])
            w.writerow([ts, t, a.get("lb", ""), a.get("rc", ""), a.get("rm", ""), thread,
                        a.get("dt", ""), a.get("s", ""), fail, a.get("by", ""), a.get("ng", ""),
                        a.get("na", ""), a.get("lt", "")])
        x.write("</testResults>\n")


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
    x = sub.add_parser("jmeter-xml")
    x.add_argument("--src", action="append", required=True)
    x.add_argument("--bytes", type=int, required=True)
    x.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "shards":
        shards(a.files, a.rows, a.out)
    elif a.cmd == "jmeter-xml":
        jmeter_xml(a.src, a.bytes, a.out)
    else:
        locust_history(a.src, a.rows, a.out)


if __name__ == "__main__":
    main()
