#!/usr/bin/env python3
"""Deterministic generator of a large k6 NDJSON file (`k6 run --out json=...`)
from the REAL k6 NDJSON fixtures, for the benchmark of issue #6.

  python3 scripts/gen_k6_ndjson.py --out /tmp/perfreport-bench/bench_k6_1gb.ndjson \
      --bytes 1000000000

What it replays: an hour-long k6 test. VUs ramp up over the first 5 minutes and
each runs iterations back to back until the hour ends. Every iteration is a
REAL iteration resampled from the fixtures (--src, default
../shared/fixtures/real/k6-ndjson/*.ndjson): its request's 9 lines
(http_reqs, http_req_duration, http_req_blocked, ..., http_req_failed) and the
iteration's own lines (checks, data_sent, data_received, iteration_duration,
iterations), each kept byte for byte (same key order, same tags, same values).
Only the `time` field is rewritten: the iteration's new start plus the real
offset of that line within its real iteration, so durations and times stay
mutually consistent. `vus` and `vus_max` points are written every second (the
real lines, with the active VU count as value), and each `Metric` declaration
line (real too) once, just before the first point of its metric, as k6 does.

- Failures: ~--fail-rate (0.5 %) of the iterations are the real failed ones
  (status 500, expected_response false, http_req_failed 1, a failed check).
- A 3-minute slowdown at minute 40-43: iterations starting then draw from the
  slow end of the real http_req_duration distribution, and fail 4x as often.
- Times: RFC 3339 with the UTC offset of the first source file, microseconds
  with trailing zeros trimmed (Go's RFC3339Nano, as k6 writes them); lines are
  written in time order.

Deterministic: a fixed --seed and the same inputs give byte-identical output
(Python's random.Random(seed).random() only, integer microseconds). Python 3
standard library only. The size is approximate (+-2 %): the VU count is
chosen from --bytes, and the hour is never cut short.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import sys
import time
from datetime import datetime, timedelta, timezone

SEED = 20261123
START_US = 1795435200 * 1_000_000  # 2026-11-23T12:00:00Z, fixed so output is reproducible
INCIDENT = (40 * 60, 43 * 60)  # seconds into the test
RAMP_S = 300
DEFAULT_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "shared", "fixtures", "real", "k6-ndjson")
TIME_RE = re.compile(rb'"time":"([^"]+)"')
REQUEST_METRICS = ("http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
                   "http_req_tls_handshaking", "http_req_sending", "http_req_waiting",
                   "http_req_receiving", "http_req_failed")


def log(msg):
    print(f"[gen_k6_ndjson {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_time_us(text):
    """RFC 3339 with any number of fraction digits -> (Unix microseconds, offset text)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        sys.exit(f"unexpected time {text!r}")
    base, frac, off = m.groups()
    tz = timezone.utc if off == "Z" else timezone(
        (1 if off[0] == "+" else -1) * timedelta(hours=int(off[1:3]), minutes=int(off[4:6])))
    secs = int(datetime.fromisoformat(base).replace(tzinfo=tz).timestamp())
    frac = (frac or "0")[:7].ljust(7, "0")  # 100 ns digits, rounded to microseconds
    return secs * 1_000_000 + (int(frac) + 5) // 10, off


def split_line(raw):
    """A real line as (bytes before the time value, bytes after it), and the time."""
    m = TIME_RE.search(raw)
    return raw[:m.start(1)], raw[m.end(1):], m.group(1).decode()


def load(path):
    """The iterations of one real file: [(request lines, iteration lines)], each
    line as (prefix, suffix, time_us, metric, value); the Metric lines; the vus
    and vus_max lines; the file's UTC offset."""
    decls, vus, requests, tails = {}, {}, [], []
    cur, tail, offset = None, [], None
    with open(path, "rb") as f:
        for raw in f:
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            d = json.loads(raw)
            metric = d["metric"]
            if d["type"] == "Metric":
                decls.setdefault(metric, raw)
                continue
            prefix, suffix, t = split_line(raw)
            t_us, off = parse_time_us(t)
            offset = offset or off
            line = (prefix, suffix, t_us, metric, d["data"]["value"])
            if metric in ("vus", "vus_max"):
                vus.setdefault(metric, line)
            elif metric in REQUEST_METRICS:
                # A request's 9 lines are written together, http_reqs first.
                if metric == "http_reqs":
                    cur = []
                    requests.append(cur)
                cur.append(line)
            else:
                tail.append(line)
                if metric == "iterations":
                    tails.append(tail)
                    tail = []
    for r in requests:
        if [l[3] for l in r] != list(REQUEST_METRICS) or len({l[2] for l in r}) != 1:
            sys.exit(f"{path}: a request without the usual 9 lines at one time")
    if len(requests) != len(tails):
        sys.exit(f"{path}: {len(requests)} requests but {len(tails)} iterations")

    # Pair each request with its iteration (one request per iteration in these
    # scripts): in file order, or both sorted by start, or both sorted by end,
    # whichever puts every request inside its iteration (its start, time minus
    # http_req_duration, at or after the iteration's start, iteration end minus
    # iteration_duration; its time at or before the iteration's first own line).
    def req_start(r):
        return r[0][2] - round(r[1][4] * 1000)

    def it_start(t):
        d = next(l for l in t if l[3] == "iteration_duration")
        return d[2] - round(d[4] * 1000)

    def inside(r, t):
        return req_start(r) >= it_start(t) and r[0][2] <= min(l[2] for l in t)

    for how, key_r, key_t in (("file order", None, None), ("start", req_start, it_start),
                              ("end", lambda r: r[0][2], lambda t: t[-1][2])):
        pairs = list(zip(sorted(requests, key=key_r) if key_r else requests,
                         sorted(tails, key=key_t) if key_t else tails))
        if all(inside(r, t) for r, t in pairs):
            break
    else:
        sys.exit(f"{path}: cannot pair requests with their iterations")
    log(f"{os.path.basename(path)}: requests paired with iterations by {how}")
    units = []
    for r, t in pairs:
        s = it_start(t)
        lines = [(l[0], l[1], l[2] - s, l[3]) for l in r + t]
        failed = r[-1][4] != 0
        units.append({"dur": r[1][4], "end": t[-1][2] - s, "lines": lines, "failed": failed})
    return units, decls, vus, offset


class Clock:
    """Unix microseconds -> RFC 3339 text in a fixed offset, trailing zeros trimmed."""

    def __init__(self, offset):
        self.offset = offset
        sign = -1 if offset[0] == "-" else 1
        self.off_s = 0 if offset == "Z" else sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
        self.cache = {}

    def text(self, t_us):
        sec, us = divmod(t_us, 1_000_000)
        head = self.cache.get(sec)
        if head is None:
            local = datetime.fromtimestamp(sec + self.off_s, timezone.utc)
            head = self.cache[sec] = local.strftime("%Y-%m-%dT%H:%M:%S")
        frac = "" if us == 0 else "." + f"{us:06d}".rstrip("0")
        return (head + frac + self.offset).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", action="append", help="real k6 NDJSON file (repeatable; default: the "
                    "fixtures in ../shared/fixtures/real/k6-ndjson)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--bytes", type=int, default=1_000_000_000, help="approximate output size")
    ap.add_argument("--duration", type=int, default=3600, help="simulated test duration, s")
    ap.add_argument("--fail-rate", type=float, default=0.005)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    started = time.time()
    srcs = args.src or sorted(glob.glob(os.path.join(DEFAULT_SRC, "*.ndjson")))
    if not srcs:
        sys.exit(f"no k6 NDJSON fixtures in {os.path.normpath(DEFAULT_SRC)}; pass --src")

    units, decls, vus_lines, offset = [], {}, {}, None
    for p in srcs:
        u, d, v, off = load(p)
        log(f"{os.path.basename(p)}: {len(u)} iterations, {sum(x['failed'] for x in u)} failed")
        units += u
        for k, line in d.items():
            decls.setdefault(k, line)
        for k, line in v.items():
            vus_lines.setdefault(k, line)
        offset = offset or off
    ok = sorted((x for x in units if not x["failed"]), key=lambda x: x["dur"])
    bad = [x for x in units if x["failed"]]
    if not ok or not bad:
        sys.exit("the sources need successful and failed iterations")
    for x in units:
        x["bytes"] = sum(len(p) + len(s) + 28 for p, s, _, _ in x["lines"])
    for k in ("vus", "vus_max"):
        if k not in vus_lines:
            sys.exit(f"the sources have no {k} point")

    dur_s = args.duration
    ramp_s = min(RAMP_S, dur_s / 6)
    mean_it_s = sum(x["end"] for x in ok) / len(ok) / 1e6
    mean_bytes = sum(x["bytes"] for x in ok) / len(ok)
    tick_bytes = sum(len(p) + len(s) + 28 for p, s, *_ in vus_lines.values()) * dur_s
    budget = max(args.bytes - tick_bytes, mean_bytes)
    vus = max(1, round(budget / mean_bytes * mean_it_s / (dur_s - ramp_s / 2)))
    inc_lo, inc_hi = (START_US + s * 1_000_000 for s in INCIDENT)
    inc_share = (INCIDENT[1] - INCIDENT[0]) / dur_s if dur_s > INCIDENT[1] else 0.0
    base_fail = args.fail_rate / (1.0 + 3.0 * inc_share)
    log(f"{len(ok)} ok and {len(bad)} failed real iterations; {vus} VUs "
        f"(mean iteration {mean_it_s:.3f} s, {mean_bytes:.0f} bytes)")

    # Each VU's iterations: (start, VU, unit). Start times only: lines are
    # placed from them when written.
    rng = random.Random(args.seed)
    end_us = START_US + dur_s * 1_000_000
    vu_start = [START_US + v * int(ramp_s * 1_000_000) // vus for v in range(vus)]
    events = []  # (time of a line group, VU, iteration number, unit index, first line, last line)
    index = {id(x): i for i, x in enumerate(units)}
    n_fail = 0
    for v in range(vus):
        s = vu_start[v]
        k = 0
        while True:
            slow = inc_lo <= s < inc_hi
            if rng.random() < base_fail * (4.0 if slow else 1.0):
                u = bad[int(rng.random() * len(bad))]
            else:
                p = rng.random()
                if slow:
                    p = max(p, rng.random(), rng.random())
                u = ok[int(p * len(ok))]
            gap = 20 + int(rng.random() * 180)  # µs before the next iteration starts
            if s + u["end"] > end_us:
                break
            n_fail += u["failed"]
            # Lines sharing a time stay together, in their real order.
            lines = u["lines"]
            i = 0
            while i < len(lines):
                j = i
                while j + 1 < len(lines) and lines[j + 1][2] == lines[i][2]:
                    j += 1
                events.append((s + lines[i][2], v, k, index[id(u)], i, j + 1))
                i = j + 1
            s += u["end"] + gap
            k += 1
    # vus / vus_max each second (k6 samples them on a ticker), value: active VUs.
    tick = int(rng.random() * 1_000_000)
    for sec in range(dur_s):
        t = START_US + sec * 1_000_000 + tick
        active = sum(1 for x in vu_start if x <= t)
        events.append((t, -1, sec, -1, active, vus))
    events.sort()
    log(f"{len(events)} line groups; sorting done")

    clock = Clock(offset)
    declared = set()
    h = hashlib.sha256()
    written = n_req = 0
    with open(args.out, "wb") as out:
        parts = []

        def line(metric, prefix, t_us, suffix):
            if metric not in declared:
                declared.add(metric)
                parts.append(decls[metric] + b"\n")
            parts.append(prefix + clock.text(t_us) + suffix + b"\n")

        for t, v, _k, ui, a, b in events:
            if v < 0:  # a vus tick: a = active VUs, b = max VUs
                for name, value in (("vus", a), ("vus_max", b)):
                    prefix, suffix = vus_lines[name][0], vus_lines[name][1]
                    suffix = re.sub(rb'"value":[0-9.]+', b'"value":%d' % value, suffix, count=1)
                    line(name, prefix, t, suffix)
                continue
            for prefix, suffix, _off, m in units[ui]["lines"][a:b]:
                n_req += m == "http_req_duration"
                line(m, prefix, t, suffix)
            if len(parts) > 20000:
                blob = b"".join(parts)
                out.write(blob)
                h.update(blob)
                written += len(blob)
                parts = []
        blob = b"".join(parts)
        out.write(blob)
        h.update(blob)
        written += len(blob)
    log(f"done: {n_req} requests, {n_fail} failed ({n_fail / max(n_req, 1):.3%}), {written} bytes, "
        f"sha256 {h.hexdigest()}, {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
