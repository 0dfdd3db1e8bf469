"""Peer for oneshot's grader: Math-Verify 0.9.0, `verify(parse("\\boxed{" + gold + "}"), parse(prediction))`
per pair with its defaults, one process, after one warm-up call, timing each pair.
Usage: grade_peer.py CASES.jsonl. Prints {"pairs", "accepted", "seconds": [per pair]}."""
import json, sys, time
from math_verify import parse, verify

pairs = [json.loads(line) for line in open(sys.argv[1])]
verify(parse("\\boxed{" + pairs[0]["gold"] + "}"), parse(pairs[0]["prediction"]))
seconds, accepted = [], 0
for p in pairs:
    start = time.perf_counter()
    ok = verify(parse("\\boxed{" + p["gold"] + "}"), parse(p["prediction"]))
    seconds.append(time.perf_counter() - start)
    accepted += bool(ok)
print(json.dumps({"pairs": len(pairs), "accepted": accepted, "seconds": seconds}))
