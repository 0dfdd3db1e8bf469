"""Writes the Parquet reader's fixtures with pyarrow, each with a JSONL twin of its rows.

Run from this folder with a Python that has pyarrow (`make bench` and `make test` create ../../../.venv):
    ../../../.venv/bin/python make_fixtures.py
Every variant holds the same rows, so one twin, rows.jsonl, serves them all (the script checks that
pyarrow reads each variant back to it). The twin follows oneshot's JSON conventions: binary values as
base64, maps as lists of {key, value}.
"""
import base64, json
import pyarrow as pa
import pyarrow.parquet as pq

rows = []
for i in range(300):
    rows.append({
        "flag": None if i % 7 == 0 else i % 2 == 0,
        "i32": None if i % 11 == 0 else i * 3 - 100,
        "i64": (i * 1_000_000_007) % 9_999_999_967 - 5_000_000_000,
        "f32": None if i % 5 == 0 else i / 8.0,
        "f64": i * 0.1,
        "text": None if i % 13 == 0 else ("π≈3.14 " if i % 3 == 0 else "") + "row %d" % i + ("" if i % 4 else " ünïcødé"),
        "blob": None if i % 9 == 0 else bytes([i % 256, (i * 7) % 256]),
        "fixed": bytes([i % 256, 1, 2, 3]),
        "ints": None if i % 6 == 0 else [j if j % 4 else None for j in range(i % 5)],
        "nested": None if i % 8 == 0 else [[k, k + 1] for k in range(i % 3)],
        "messages": [{"content": "m%d-%d" % (i, k), "role": None if k == 1 else "user"} for k in range(i % 4)],
        "info": None if i % 10 == 0 else {"index": i, "split": None if i % 3 == 0 else "train", "tags": ["a"] * (i % 3)},
        "mapping": None if i % 12 == 0 else {"k%d" % k: k for k in range(i % 3)},
    })

schema = pa.schema([
    ("flag", pa.bool_()), ("i32", pa.int32()), ("i64", pa.int64()), ("f32", pa.float32()), ("f64", pa.float64()),
    ("text", pa.string()), ("blob", pa.binary()), ("fixed", pa.binary(4)),
    ("ints", pa.list_(pa.int64())), ("nested", pa.list_(pa.list_(pa.int32()))),
    ("messages", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
    ("info", pa.struct([("index", pa.int64()), ("split", pa.string()), ("tags", pa.list_(pa.string()))])),
    ("mapping", pa.map_(pa.string(), pa.int64())),
])
table = pa.Table.from_pylist(rows, schema=schema)

def to_json(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return [{"key": k, "value": to_json(v)} for k, v in value]
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value

variants = {
    "snappy_v1_dictionary": dict(compression="snappy"),
    "uncompressed_v1_plain": dict(compression="none", use_dictionary=False),
    "gzip_v2_dictionary": dict(compression="gzip", data_page_version="2.0"),
    "zstd_v2_plain_small_groups": dict(compression="zstd", data_page_version="2.0", use_dictionary=False, row_group_size=64),
    "delta_encodings": dict(compression="snappy", use_dictionary=False,
                            column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
                                             "text": "DELTA_LENGTH_BYTE_ARRAY", "blob": "DELTA_BYTE_ARRAY"}),
}
twin = [json.dumps(to_json(row), ensure_ascii=False) for row in table.to_pylist()]
with open("rows.jsonl", "w") as out:
    out.write("\n".join(twin) + "\n")
for name, options in variants.items():
    pq.write_table(table, name + ".parquet", **options)
    assert [json.dumps(to_json(r), ensure_ascii=False) for r in pq.read_table(name + ".parquet").to_pylist()] == twin
    print(name, pq.ParquetFile(name + ".parquet").metadata.num_row_groups, "row groups")
