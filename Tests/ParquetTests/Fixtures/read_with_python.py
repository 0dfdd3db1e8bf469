"""Reads a Parquet file with pyarrow and with Hugging Face datasets (as verl loads its data) and prints
both as JSON: {"pyarrow": [rows], "datasets": [rows], "arrow_schema": str}. Used by WriterTests."""
import json, os, sys, tempfile
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import pyarrow.parquet as pq
import datasets

path = sys.argv[1]
table = pq.read_table(path)
with tempfile.TemporaryDirectory() as cache:
    loaded = datasets.load_dataset("parquet", data_files=path, split="train", cache_dir=cache)
    hf_rows = [dict(row) for row in loaded]
print(json.dumps({"pyarrow": table.to_pylist(), "datasets": hf_rows, "arrow_schema": str(table.schema)}, ensure_ascii=False))
