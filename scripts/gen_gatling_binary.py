#!/usr/bin/env python3
"""Writes a large Gatling 3.13+ binary simulation.log for benchmarks, by the
layout in src/ingest/gatling_binary.rs (deterministic: fixed seed).

    scripts/gen_gatling_binary.py OUT [REQUESTS]   (default 5,000,000)

200 users of two scenarios over an hour; 40 request names in 4 groups
(one with a UTF-16 name); ~1 % KO with a few distinct messages; a Group
record after every request in a group."""
import random
import struct
import sys

out_path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
rng = random.Random(20261202)
buf = bytearray()
cache = {}


def i32(v):
    buf.extend(struct.pack(">i", v))


def string(s):
    if not s:
        return i32(0)
    if all(ord(c) < 256 for c in s):
        b, coder = s.encode("latin-1"), 0
    else:
        b, coder = s.encode("utf-16-le"), 1
    i32(len(b))
    buf.extend(b)
    buf.append(coder)


def cached(s):
    if s in cache:
        return i32(-cache[s])
    cache[s] = len(cache) + 1
    i32(cache[s])
    string(s)


buf.append(0)
string("3.14.3")
string("bench.BigSimulation")
buf.extend(struct.pack(">q", 1_795_431_000_000))
string("")
i32(2)
string("Browse")
string("Checkout")
i32(0)
groups = [[], ["Login"], ["Shop", "Cart"], ["Shop", "Paiement ✓"]]
names = [f"request_{k}" for k in range(39)] + ["Café ☕"]
messages = ["status.find.in(200,304), found 500", "j.n.ConnectException: Connection refused",
            "jsonPath($.id).find.exists, found nothing"]
with open(out_path, "wb") as f:
    for u in range(200):
        buf.append(2); i32(u % 2); buf.append(1); i32(u * 100)
    for k in range(n):
        start = k * 3_600_000 // n
        latency = int(rng.lognormvariate(3.5, 0.6))
        g = groups[k % 4]
        ok = rng.random() > 0.01
        buf.append(1)
        i32(len(g))
        for x in g:
            cached(x)
        cached(names[k % 40])
        i32(start); i32(start + latency)
        buf.append(1 if ok else 0)
        cached("" if ok else messages[k % 3])
        if g:
            buf.append(3); i32(len(g))
            for x in g:
                cached(x)
            i32(start - 1); i32(start + latency + 1); i32(latency); buf.append(1 if ok else 0)
        if len(buf) > 1 << 20:
            f.write(buf)
            buf.clear()
    for u in range(200):
        buf.append(2); i32(u % 2); buf.append(0); i32(3_600_000 + u)
    f.write(buf)
