"""Peer for oneshot's Parquet reader: pyarrow's `pq.read_table(path).to_pylist()`, REPEAT times.
Usage: parquet_peer.py FILE REPEAT. Prints {"rows": n, "seconds": [...]}."""
import json, sys, time
import pyarrow.parquet as pq

path, repeat = sys.argv[1], int(sys.argv[2])
seconds, rows = [], 0
for _ in range(repeat):
    start = time.perf_counter()
    rows = len(pq.read_table(path).to_pylist())
    seconds.append(time.perf_counter() - start)
print(json.dumps({"rows": rows, "seconds": seconds}))
