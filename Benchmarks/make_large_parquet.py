"""Writes a large verl-schema Parquet file of seeded random problems (SNAPPY, pyarrow's defaults,
row groups of 20,000 rows) until it reaches SIZE_MB megabytes, for the read benchmark.
Usage: make_large_parquet.py OUT [SIZE_MB]"""
import os, random, sys
import pyarrow as pa
import pyarrow.parquet as pq

out, size_mb = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200
rng = random.Random(7)
words = ["prove", "integer", "triangle", "$x^2$", "sum", "probability", "\\frac{1}{2}", "circle", "find", "the", "of",
         "and", "radius", "prime", "sequence", "Let", "$n$", "be", "area", "remainder"] + ["w%d" % i for i in range(50000)]
schema = pa.schema([("data_source", pa.string()),
                    ("prompt", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
                    ("ability", pa.string()),
                    ("reward_model", pa.struct([("ground_truth", pa.string()), ("style", pa.string())])),
                    ("extra_info", pa.struct([("index", pa.int64()), ("split", pa.string())]))])
index = 0
with pq.ParquetWriter(out, schema, compression="snappy") as writer:
    while os.path.getsize(out) < size_mb * 1_000_000:
        rows = []
        for _ in range(20000):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(40, 200)))
            rows.append({"data_source": "synthetic", "prompt": [{"content": text, "role": "user"}], "ability": "math",
                         "reward_model": {"ground_truth": str(rng.randint(0, 10**6)), "style": "rule"},
                         "extra_info": {"index": index, "split": "train"}})
            index += 1
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
print(out, index, "rows", os.path.getsize(out), "bytes")
