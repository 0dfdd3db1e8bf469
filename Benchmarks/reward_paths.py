"""The reward module's two ways to reach OneShotKit's grader from Python, timed in the same run.

worker: the module `oneshot launch` writes (reward.py), which asks a long-lived `oneshot grade --serve`
        process one JSON line at a time; ctypes: libOneShotGrader.so's oneshot_grade through ctypes.
usage: reward_paths.py REWARD_PY LIBONESHOTGRADER_SO CASES_JSONL RUNS
Prints one JSON object: per path the median seconds for all cases, calls per second, and whether the two
gave the same verdicts on every case.
"""
import ctypes
import importlib.util
import json
import statistics
import sys
import time

reward_py, library, cases_path, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
spec = importlib.util.spec_from_file_location("reward", reward_py)
reward = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reward)
lib = ctypes.CDLL(library)
lib.oneshot_grade.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
lib.oneshot_grade.restype = ctypes.c_int
cases = [json.loads(line) for line in open(cases_path, encoding="utf-8")]


def by_worker():
    return [reward.compute_score("x", c["prediction"], c["gold"], {"index": i})["score"] for i, c in enumerate(cases)]


def by_ctypes():
    buffer = ctypes.create_string_buffer(4096)
    out = []
    for i, c in enumerate(cases):
        correct = lib.oneshot_grade(str(c["gold"]).encode(), c["prediction"].encode(), 1, buffer, 4096)
        out.append({"score": float(correct), "acc": float(correct), "pred": buffer.value.decode(), "ex_index": str(i)}["score"])
    return out


by_worker()   # start the worker process before timing
seconds = {"worker": [], "ctypes": []}
verdicts = {}
for _ in range(runs):
    for name, path in (("worker", by_worker), ("ctypes", by_ctypes)):
        start = time.perf_counter()
        verdicts[name] = path()
        seconds[name].append(time.perf_counter() - start)
result = {name: {"median_seconds": statistics.median(s), "calls_per_second": len(cases) / statistics.median(s), "runs": s}
          for name, s in seconds.items()}
result["cases"] = len(cases)
result["same_verdicts"] = verdicts["worker"] == verdicts["ctypes"]
print(json.dumps(result))
