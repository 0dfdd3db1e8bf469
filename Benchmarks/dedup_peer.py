"""Peer for `oneshot dedup`: datasketch 2.0 MinHash.bulk + MinHashLSH on the same shingles.

Input: a JSONL file with `id` and `normalized` (the token sequence `oneshot export --normalized` writes,
tokens separated by single spaces), so both tools hash exactly the same shingles: lowercased token
5-grams, documents under 8 words left to exact matching. Same permutations (128) and threshold (0.8,
which datasketch turns into 9 bands of 13 rows); candidates are confirmed by their real Jaccard
similarity, as oneshot does. Prints the time of the work after the file is read, and the clusters found.
Usage: dedup_peer.py FILE.jsonl
"""
import json, sys, time
from datasketch import MinHash, MinHashLSH

NUM_PERM, SHINGLE, THRESHOLD, MIN_WORDS = 128, 5, 0.8, 8

def main():
    docs = [json.loads(line) for line in open(sys.argv[1])]
    start = time.perf_counter()
    ids, sets = [], []
    for d in docs:
        tokens = d["normalized"].lower().split(" ")
        if sum(1 for t in tokens if t[:1].isalnum()) < MIN_WORDS:
            continue
        width = min(SHINGLE, len(tokens))
        ids.append(d["id"])
        sets.append({" ".join(tokens[i:i + width]).encode() for i in range(len(tokens) - width + 1)})
    hashes = MinHash.bulk([list(s) for s in sets], num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for key, m in zip(ids, hashes):
        lsh.insert(key, m)
    pairs = 0
    position = {key: i for i, key in enumerate(ids)}
    for i, (key, m) in enumerate(zip(ids, hashes)):
        for other in lsh.query(m):
            j = position[other]
            if j > i and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= THRESHOLD:
                pairs += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"docs": len(docs), "compared": len(ids), "bands": lsh.b, "rows": lsh.r,
                      "near_pairs": pairs, "seconds": elapsed, "docs_per_second": len(docs) / elapsed}))

main()
