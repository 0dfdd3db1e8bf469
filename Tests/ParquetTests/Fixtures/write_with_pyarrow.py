"""Writes OUT with pyarrow (SNAPPY, dictionary on, data page v2) holding nulls, empty lists, unicode and
1 MB strings, and prints its rows (to_pylist) as JSON. Used by WriterTests for pyarrow -> oneshot."""
import json, sys
import pyarrow as pa
import pyarrow.parquet as pq

rows = []
for i in range(50):
    rows.append({
        "text": None if i % 7 == 0 else ("ж∑🎲 " * 262_144 if i in (3, 30) else "row %d — π ≈ 3.14159" % i),
        "tags": None if i % 5 == 0 else ["t%d" % k for k in range(i % 4)],
        "info": None if i % 6 == 0 else {"index": i, "note": None if i % 2 else "é"},
    })
schema = pa.schema([("text", pa.string()), ("tags", pa.list_(pa.string())),
                    ("info", pa.struct([("index", pa.int64()), ("note", pa.string())]))])
pq.write_table(pa.Table.from_pylist(rows, schema=schema), sys.argv[1], compression="snappy", data_page_version="2.0")
print(json.dumps(pq.read_table(sys.argv[1]).to_pylist(), ensure_ascii=False))
