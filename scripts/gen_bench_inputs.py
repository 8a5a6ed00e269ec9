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
  gen_bench_inputs.py endpoints --labels L --rows N --out FILE
      One JMeter JTL CSV of N rows over an hour with L distinct labels (an
      unnormalised URL per resource, "GET /api/items/17"), every label met
      early and again all through the file (so parallel chunks meet the names
      in different orders), a few busy labels and a long tail, each label its
      own log-normal response times, ~0.5 % failures. 9,500,000 rows make
      about 1.2 GB.
  gen_bench_inputs.py vegeta --src results.json [--src ...] --bytes N --out FILE
      vegeta JSON lines (`vegeta encode --to json`) of about N bytes: the
      lines of --src resampled (their codes, errors, methods and URLs), with
      `seq` counting on, start times spread over an hour (RFC 3339 with
      nanoseconds, trailing zeros trimmed as Go writes them) and latencies
      drawn around each line's own, 3x slower in a 5-minute window.
  gatling_text --src LOG [--src LOG ...] --bytes N --out FILE
      A Gatling text simulation.log (Gatling 3.4+ layout) of about N bytes:
      the real REQUEST records of the --src logs resampled (their names,
      response times and layout byte for byte; ~0.5 % become real KO records),
      made by virtual users over about an hour (as many at once as that takes), each writing USER
      START, 10 requests and USER END, in time order, with a slow window.
"""
import json
import argparse
import datetime
import heapq
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


def go_time(ns):
    """Unix nanoseconds as Go's time.RFC3339Nano writes them in UTC."""
    secs, frac = divmod(ns, 1_000_000_000)
    stamp = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    digits = f"{frac:09d}".rstrip("0")
    return f"{stamp}.{digits}Z" if digits else f"{stamp}Z"


def vegeta(srcs, size, out):
    lines = []
    for src in srcs:
        with open(src) as r:
            lines += [json.loads(line) for line in r if line.strip()]
    rnd = random.Random(20261202)
    t0 = T0 * 1_000_000
    # Start times over an hour, in order (vegeta writes results as they
    # come, so nearly in start order): one step per line expected.
    mean_len = sum(len(json.dumps(x, separators=(",", ":"))) + 8 for x in lines) / len(lines)
    step = int(3_600 * 1_000_000_000 * mean_len // size)
    written, seq, t = 0, 0, t0
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as w:
        while written < size:
            line = dict(rnd.choice(lines))
            t += rnd.randrange(2 * step + 1)
            slow = 3.0 if 1_200 <= (t - t0) // 1_000_000_000 < 1_500 else 1.0
            if line["code"] != 0:
                line["latency"] = max(1, int(rnd.lognormvariate(math.log(line["latency"] * slow), 0.5)))
            line["seq"] = seq
            line["timestamp"] = go_time(t)
            seq += 1
            text = json.dumps(line, separators=(",", ":")) + "\n"
            w.write(text)
            written += len(text)


def gatling_text(srcs, size, out):
    run_line, requests, failures = None, [], []
    for src in srcs:
        with open(src, encoding="utf-8") as r:
            for line in r:
                f = line.rstrip("\n").split("\t")
                if f[0] == "RUN" and run_line is None:
                    # The run starts at T0, as the records do.
                    f = [str(T0) if re.fullmatch(r"\d{13}", v) else v for v in f]
                    run_line = "\t".join(f) + "\n"
                # Gatling 3.4+: REQUEST, groups, name, start, end, status[, message]
                if f[0] == "REQUEST" and len(f) >= 6 and f[5] in ("OK", "KO"):
                    rec = (f[1], f[2], int(f[4]) - int(f[3]), f[5], "\t".join(f[6:]), len(f) > 6)
                    (requests if f[5] == "OK" else failures).append(rec)
    if run_line is None or not requests or not failures:
        raise SystemExit("the --src logs need a RUN record and OK and KO REQUEST records (3.4+ layout)")
    # Several names, some much busier than others: the real records grouped by name.
    by_name = {}
    for rec in requests:
        by_name.setdefault((rec[0], rec[1]), []).append(rec)
    names = sorted(by_name, key=lambda k: (-len(by_name[k]), k))[:24]
    rnd = random.Random(20_251_202)
    # Enough users at once that the records fill about an hour: each makes a
    # request of the mix's mean time and thinks 100 ms before the next.
    span_ms, per_user = 3_600_000, 10
    mean_ms = sum(sum(r[2] for r in by_name[k]) / len(by_name[k]) for k in names) / len(names)
    line_bytes = sum(len(r[1]) + 40 for r in requests) / len(requests)
    users = max(10, int(size / line_bytes / (span_ms / (mean_ms + 200))))
    heap = []  # (next event ms, user, requests left, started)
    for u in range(users):
        heapq.heappush(heap, (T0 + rnd.randrange(60_000), u, per_user, False))
    written, next_user = 0, users
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as w:
        w.write(run_line)
        written += len(run_line.encode())
        while heap and written < size:
            t, u, left, started = heapq.heappop(heap)
            if not started:
                line = f"USER\tBench\tSTART\t{t}\n"
                heapq.heappush(heap, (t + rnd.randrange(5, 50), u, left, True))
            elif left == 0:
                line = f"USER\tBench\tEND\t{t}\n"
                # A new user takes its place, so about `users` run at once.
                heapq.heappush(heap, (t + rnd.randrange(1, 500), next_user, per_user, False))
                next_user += 1
            else:
                groups, name = names[min(int(rnd.expovariate(0.25)), len(names) - 1)]
                _, _, ms, status, msg, has_msg = rnd.choice(by_name[(groups, name)])
                if rnd.random() < 0.005:
                    _, _, _, status, msg, has_msg = rnd.choice(failures)
                slow = 3 if 1_200_000 <= (t - T0) % span_ms < 1_500_000 else 1
                end = t + ms * slow
                tail = f"\t{msg}" if has_msg else ""
                line = f"REQUEST\t{groups}\t{name}\t{t}\t{end}\t{status}{tail}\n"
                heapq.heappush(heap, (end + rnd.randrange(0, 200), u, left - 1, True))
            w.write(line)
            written += len(line)
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
    e = sub.add_parser("endpoints")
    e.add_argument("--labels", type=int, default=50_000)
    e.add_argument("--rows", type=int, default=9_500_000)
    e.add_argument("--out", required=True)
    v = sub.add_parser("vegeta")
    v.add_argument("--src", action="append", required=True)
    v.add_argument("--bytes", type=int, default=1_000_000_000)
    v.add_argument("--out", required=True)
    g = sub.add_parser("gatling_text")
    g.add_argument("--src", action="append", required=True)
    g.add_argument("--bytes", type=int, required=True)
    g.add_argument("--out", required=True)
    x = sub.add_parser("jmeter-xml")
    x.add_argument("--src", action="append", required=True)
    x.add_argument("--bytes", type=int, required=True)
    x.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "shards":
        shards(a.files, a.rows, a.out)
    elif a.cmd == "vegeta":
        vegeta(a.src, a.bytes, a.out)
    elif a.cmd == "gatling_text":
        gatling_text(a.src, a.bytes, a.out)
    elif a.cmd == "endpoints":
        endpoints(a.labels, a.rows, a.out)
    elif a.cmd == "jmeter-xml":
        jmeter_xml(a.src, a.bytes, a.out)
    else:
        locust_history(a.src, a.rows, a.out)


if __name__ == "__main__":
    main()
