#!/usr/bin/env bash
# make bench: OneShotKit against its Python peers, interleaved in the same run, medians of N runs.
# Usage: Benchmarks/run.sh ONESHOT_BINARY PYTHON SHARED_DATASETS [RUNS]
set -euo pipefail
bin=$(realpath "$1"); py=$2; shared=$(realpath "$3"); runs=${4:-5}
benchbin=$(dirname "$bin")/oneshot-bench
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# CPU time the hypervisor gave to others (steal) while we ran: on a shared VM it decides whether a
# second core is really there for oneshot's two threads.
cpu_ticks() { awk '/^cpu /{s=0; for (i=2;i<=NF;i++) s+=$i; print $9, s}' /proc/stat; }
read -r steal0 total0 < <(cpu_ticks)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Wall seconds and peak RSS (KiB) of a command, as "seconds kib".
measure() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }; cat "$work/time"; }

import_files=("$shared/math-hendrycks/train.jsonl" "$shared/math-hendrycks/test.jsonl" "$shared/gsm8k-openai/train.jsonl" "$shared/gsm8k-openai/test.jsonl")
echo "## Import: MATH train+test and GSM8K train+test ($(cat "${import_files[@]}" | wc -c) bytes, 21,292 rows), $runs runs each, interleaved"
for i in $(seq "$runs"); do
  rm -f "$work"/s.db*; measure "$bin" import "${import_files[@]}" --store "$work/s.db" >>"$work/import-swift"
  rm -f "$work"/p.db*; measure "$py" "$here/import_peer.py" "$work/p.db" "${import_files[@]}" >>"$work/import-py"
done
sw=$(cut -d' ' -f1 "$work/import-swift" | median); pw=$(cut -d' ' -f1 "$work/import-py" | median)
echo "oneshot import: median $sw s (runs: $(cut -d' ' -f1 "$work/import-swift" | tr '\n' ' '))"
echo "python json+sqlite3: median $pw s (runs: $(cut -d' ' -f1 "$work/import-py" | tr '\n' ' '))"
echo "speed-up: $(echo "$pw $sw" | awk '{printf "%.1fx", $1/$2}') (whole processes, wall clock)"
echo

# Near-duplicate detection over MATH, GSM8K and the DeepScaleR parts.
rm -f "$work"/d.db*
"$bin" import "${import_files[@]}" "$shared/deepscaler-components/train_aime.json" "$shared/deepscaler-components/train_math.json" --store "$work/d.db" >/dev/null 2>&1
: >"$work/all.jsonl"
for d in math-hendrycks-train math-hendrycks-test gsm8k-openai-train gsm8k-openai-test train_aime train_math; do
  "$bin" export --dataset "$d" --normalized --out "$work/part.jsonl" --store "$work/d.db" >/dev/null
  cat "$work/part.jsonl" >>"$work/all.jsonl"
done
docs=$(wc -l <"$work/all.jsonl")
sqlite3_checkpoint() { "$bin" stats --store "$1" >/dev/null; }   # closing the store folds the WAL back in
sqlite3_checkpoint "$work/d.db"; cp "$work/d.db" "$work/clean.db"
echo "## Near duplicates: $docs problems (MATH, GSM8K, DeepScaleR AIME+MATH parts), 128 permutations, threshold 0.8, $runs runs each"
for i in $(seq "$runs"); do
  rm -f "$work"/d.db*; cp "$work/clean.db" "$work/d.db"   # each run is a first dedup of the store
  measure "$bin" dedup --store "$work/d.db" --json >>"$work/dedup-swift"
  python3 -c "import json; print(json.load(open('$work/out'))['seconds']['cluster'])" >>"$work/dedup-swift-inner"
  measure "$py" "$here/dedup_peer.py" "$work/all.jsonl" >>"$work/dedup-py"
  python3 -c "import json,sys; print(json.load(open('$work/out'))['seconds'])" >>"$work/dedup-py-inner"
done
sw=$(cut -d' ' -f1 "$work/dedup-swift" | median); sm=$(cut -d' ' -f2 "$work/dedup-swift" | median); si=$(median <"$work/dedup-swift-inner")
pw=$(cut -d' ' -f1 "$work/dedup-py" | median); pi=$(median <"$work/dedup-py-inner"); pm=$(cut -d' ' -f2 "$work/dedup-py" | median)
rate() { echo "$docs $1" | awk '{printf "%.0f", $1/$2}'; }
echo "same stages (shingles, MinHash, LSH, Jaccard check; oneshot also tokenises from raw text):"
echo "  oneshot   median $si s, $(rate "$si") docs/s"
echo "  datasketch median $pi s, $(rate "$pi") docs/s   -> ratio $(echo "$pi $si" | awk '{printf "%.1fx", $1/$2}')"
echo "whole processes (oneshot: read the store, cluster, write clusters, print JSON; datasketch: load JSONL, the same stages):"
echo "  oneshot   median $sw s, $(rate "$sw") docs/s, peak RSS $((sm / 1024)) MiB"
echo "  datasketch median $pw s, $(rate "$pw") docs/s, peak RSS $((pm / 1024)) MiB   -> ratio $(echo "$pw $sw" | awk '{printf "%.1fx", $1/$2}')"
echo "memory: oneshot's peak is $(echo "$sm $pm" | awk '{printf "%.2f", $1/$2}') of datasketch's"
echo

# Ranking the paper's acc_step_500.json (1,209 histories, 64,000 values): the whole `oneshot rank` process.
rm -f "$work"/r.db*
"$bin" import "$shared/one-shot-rlvr/train/dsr_sub.jsonl" --store "$work/r.db" >/dev/null
"$bin" trajectories import "$shared/one-shot-rlvr/acc/acc_step_500.json" --format one-shot-rlvr --dataset dsr_sub --run paper --store "$work/r.db" >/dev/null
for i in $(seq "$runs"); do measure "$bin" rank --run paper --json --store "$work/r.db" >>"$work/rank"; done
echo "## Rank: acc_step_500.json by variance, all 1,209 with --json, whole process, $runs runs"
echo "oneshot rank: median $(cut -d' ' -f1 "$work/rank" | median) s (runs: $(cut -d' ' -f1 "$work/rank" | tr '\n' ' '))"
echo
# Parquet: rows in memory, against pyarrow's read_table(...).to_pylist(), in the same run.
per_read() { python3 -c "import json,sys,statistics; d=json.load(open(sys.argv[1])); print('%.4f %d %.2f' % (statistics.median(d['seconds']), d['rows'], sum(d['seconds'])))" "$1"; }
"$benchbin" parquet-read "$shared/one-shot-rlvr/train/dsr_sub.parquet" 1000 >"$work/pq-ours.json"
"$py" "$here/parquet_peer.py" "$shared/one-shot-rlvr/train/dsr_sub.parquet" 1000 >"$work/pq-py.json"
read -r so rows st < <(per_read "$work/pq-ours.json"); read -r sp _ pt < <(per_read "$work/pq-py.json")
echo "## Parquet read: dsr_sub.parquet ($rows rows) 1,000 times, rows in memory"
echo "oneshot: median $so s per read, $st s in all; pyarrow: median $sp s per read, $pt s in all -> oneshot $(echo "$sp $so" | awk '{printf "%.2fx", $1/$2}') as fast"
large=${LARGE_PARQUET:-/tmp/oneshot-bench-large.parquet}
[ -f "$large" ] || "$py" "$here/make_large_parquet.py" "$large" 200 >/dev/null
for i in $(seq 3); do
  measure "$benchbin" parquet-read "$large" 1 >>"$work/large-ours"; cat "$work/out" >"$work/large-ours-$i.json"
  measure "$py" "$here/parquet_peer.py" "$large" 1 >>"$work/large-py"; cat "$work/out" >"$work/large-py-$i.json"
done
ol=$(for i in 1 2 3; do per_read "$work/large-ours-$i.json" | cut -d' ' -f1; done | median)
pl=$(for i in 1 2 3; do per_read "$work/large-py-$i.json" | cut -d' ' -f1; done | median)
echo "## Parquet read: a generated $(($(stat -c %s "$large") / 1000000)) MB verl-schema file ($(per_read "$work/large-ours-1.json" | cut -d' ' -f2) rows), 3 runs each"
echo "oneshot: median $ol s, peak RSS $(( $(cut -d' ' -f2 "$work/large-ours" | median) / 1024 )) MiB; pyarrow: median $pl s, peak RSS $(( $(cut -d' ' -f2 "$work/large-py" | median) / 1024 )) MiB -> oneshot $(echo "$pl $ol" | awk '{printf "%.2fx", $1/$2}') as fast"
echo

# Grading: every labelled pair of the corpus, one process each, after one warm-up call, timing each pair.
stats() { python3 -c "
import json, sys, statistics
d = json.load(open(sys.argv[1])); t = sorted(d['seconds'])
print('%.1f %.1f %.1f %.3f %d' % (statistics.median(t) * 1e6, t[int(0.99 * len(t))] * 1e6, t[-1] * 1e6, sum(t), d['accepted']))" "$1"; }
cases="$shared/grading/cases.jsonl"
"$benchbin" grade "$cases" >"$work/grade-ours.json"
"$py" "$here/grade_peer.py" "$cases" >"$work/grade-py.json"
read -r om op ox ot oa < <(stats "$work/grade-ours.json"); read -r pm pp px pt pa < <(stats "$work/grade-py.json")
echo "## Grading: $(wc -l <"$cases") pairs of grading/cases.jsonl, one thread"
echo "oneshot:     per pair median $om us, p99 $op us, max $ox us; total $ot s; accepted $oa"
echo "Math-Verify: per pair median $pm us, p99 $pp us, max $px us; total $pt s; accepted $pa"
echo "pairs per second: oneshot $(echo "$ot $pt" | awk '{printf "%.0fx", $2/$1}') Math-Verify's"
for jobs in 1 2; do measure "$bin" grade "$cases" --jobs $jobs >"$work/jobs-$jobs"; done
echo "oneshot grade FILE (whole process): --jobs 1 $(cut -d' ' -f1 "$work/jobs-1") s, --jobs 2 $(cut -d' ' -f1 "$work/jobs-2") s"
echo "adversarial inputs, slowest call: $("$benchbin" grade-adversarial)"
echo

# The built-in engine against PyTorch (same model: 4 layers, 128 channels, 4 heads, context 128, vocabulary 64),
# one thread each, interleaved. Matrix-product FLOPs per trained token: 6 x 794,624 (the weights in matmuls).
per_step() { python3 -c "import json,sys,statistics; d=json.load(open(sys.argv[1])); print(d['tokens_per_step']/statistics.median(d['seconds']))" "$1"; }
per_sample() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['tokens']/d['seconds'])" "$1"; }
if "$py" -c "import torch" 2>/dev/null; then
  # Twice the rounds of the other sections, less one: a timed generation lasts under a second, and on a shared
  # VM both sides' rates drift by a third within minutes. Each round's ratio pairs runs made seconds apart.
  engine_runs=$((2 * runs - 1))
  for i in $(seq "$engine_runs"); do
    "$benchbin" engine-train 10 >"$work/et.json"; per_step "$work/et.json" >>"$work/train-ours"
    "$py" "$here/engine_peer.py" train 10 >"$work/et.json"; per_step "$work/et.json" >>"$work/train-torch"
    "$benchbin" engine-sample 64 >"$work/es.json"; per_sample "$work/es.json" >>"$work/sample-ours"
    "$py" "$here/engine_peer.py" sample 64 >"$work/es.json"; per_sample "$work/es.json" >>"$work/sample-torch"
    "$benchbin" sgemm-peak | python3 -c "import json,sys; print(json.load(sys.stdin)['gflops'])" >>"$work/peak"
  done
  ot=$(median <"$work/train-ours"); tt=$(median <"$work/train-torch"); os=$(median <"$work/sample-ours"); ts=$(median <"$work/sample-torch")
  peak=$(median <"$work/peak")
  # The median of the rounds' ratios (ours / PyTorch's in the same round), and the rounds' own figures.
  paired() { paste "$1" "$2" | awk '{printf "%.3f\n", $1/$2}' | median; }
  rounds() { paste "$1" "$2" | awk '{printf "%.0f/%.0f ", $1, $2}'; }
  echo "## Engine: training (batch 32 x 128 tokens, AdamW) and T=1 sampling (64 x 96 tokens, KV cache), one thread, $engine_runs rounds"
  echo "training tokens/s: oneshot median $(printf %.0f "$ot"), PyTorch $(printf %.0f "$tt") -> $(echo "$ot $tt" | awk '{printf "%.2fx", $1/$2}')," \
       "median of the rounds' ratios $(paired "$work/train-ours" "$work/train-torch")x;" \
       "matmuls at $(echo "$ot" | awk '{printf "%.0f", $1*6*794624/1e9}') GFLOP/s, $(echo "$ot $peak" | awk '{printf "%.0f%%", $1*6*794624/1e9/$2*100}') of the sgemm peak measured in this run ($(printf %.0f "$peak") GFLOP/s, one thread, 1024^3); PyTorch's $(echo "$tt $peak" | awk '{printf "%.0f%%", $1*6*794624/1e9/$2*100}')"
  echo "  rounds (oneshot/PyTorch): $(rounds "$work/train-ours" "$work/train-torch")"
  echo "sampling tokens/s: oneshot median $(printf %.0f "$os") (64 rows batched), PyTorch $(printf %.0f "$ts") (64 rows batched) -> $(echo "$os $ts" | awk '{printf "%.2fx", $1/$2}')," \
       "median of the rounds' ratios $(paired "$work/sample-ours" "$work/sample-torch")x"
  echo "  rounds (oneshot/PyTorch): $(rounds "$work/sample-ours" "$work/sample-torch")"
  # Where a training step goes: each operation of the passes timed inside the step (engine-profile), the products'
  # rates against the sgemm peak of this run; "the rest" is AdamW, packing the weights and the step's bookkeeping.
  "$benchbin" engine-profile 10 >"$work/profile.json"
  echo "training step, operation by operation (oneshot-bench engine-profile 10; mean of 10 steps):"
  python3 - "$work/profile.json" "$peak" <<'PY'
import json, sys
d, peak = json.load(open(sys.argv[1])), float(sys.argv[2])
step = sum(d["seconds"]) / len(d["seconds"])
timed = 0
for o in d["operations"]:
    s = o["seconds_per_step"]; timed += s
    rate = f", {o['gflops']:.0f} GFLOP/s = {o['gflops'] / peak:.0%} of the sgemm peak" if "gflops" in o else ""
    print(f"  {o['operation']}: {s * 1e3:.1f} ms ({s / step:.1%}){rate}")
print(f"  the rest: {(step - timed) * 1e3:.1f} ms ({(step - timed) / step:.1%}); step {step * 1e3:.0f} ms")
PY
  # Threads: --threads N runs N DataParallel workers (one BLAS thread each); "blas2" is OpenBLAS's own two threads.
  for t in 2 blas2; do "$benchbin" engine-train 10 $t >"$work/et.json"; per_step "$work/et.json" >"$work/quiet-$t"; done
  echo "quiet machine: 2 workers $(printf %.0f "$(cat "$work/quiet-2")") tokens/s, OpenBLAS 2 threads $(printf %.0f "$(cat "$work/quiet-blas2")") tokens/s (1 worker: $(printf %.0f "$ot"))"
  # The same with a busy loop holding the other core.
  ( while :; do :; done ) & busy=$!
  for t in 1 2 blas2; do "$benchbin" engine-train 5 $t >"$work/et.json"; per_step "$work/et.json" >"$work/busy-$t"; done
  kill "$busy"
  echo "with the other core busy: 1 worker $(printf %.0f "$(cat "$work/busy-1")") tokens/s, 2 workers $(printf %.0f "$(cat "$work/busy-2")"), OpenBLAS 2 threads $(printf %.0f "$(cat "$work/busy-blas2")")"

  # One GRPO step (8 prompts x 8 samples, T=1, up to 96 new tokens) of the shipped base policy, same problems.
  for f in add sub mul expr lineq frac; do "$bin" synth --family "$f" --n 8 --seed 5 --out "$work/grpo-$f.jsonl" >/dev/null; done
  python3 -c 'import json,sys; [print(json.dumps({"problem": r["problem"], "answer": r["answer"]})) for f in sys.argv[1:] for r in map(json.loads, open(f))]' \
    "$work"/grpo-*.jsonl >"$work/grpo-problems.jsonl"
  model="$here/../models/base"
  for i in $(seq "$runs"); do
    "$benchbin" grpo-step "$model" "$work/grpo-problems.jsonl" 6 >"$work/grpo-ours-$i.json"
    "$py" "$here/grpo_peer.py" "$model" "$work/grpo-problems.jsonl" 6 >"$work/grpo-torch-$i.json"
  done
  grpo_part() { python3 -c 'import json,sys,statistics; print(statistics.median([x for f in sys.argv[2:] for x in json.load(open(f))[sys.argv[1]]]))' "$@"; }
  grpo_total() { python3 -c 'import json,sys,statistics; print(statistics.median([a+b+c for f in sys.argv[1:] for d in [json.load(open(f))] for a,b,c in zip(d["sampling"],d["reference"],d["update"])]))' "$@"; }
  echo "## Engine: one GRPO step of models/base, 8 prompts x 8 samples (T=1, <= 96 new tokens, EOS stop), one thread, $runs x 6 steps"
  for part in sampling reference update response_length; do
    echo "$part: oneshot median $(printf %.3f "$(grpo_part "$part" "$work"/grpo-ours-*.json)"), PyTorch $(printf %.3f "$(grpo_part "$part" "$work"/grpo-torch-*.json)")"
  done
  og=$(grpo_total "$work"/grpo-ours-*.json); tg=$(grpo_total "$work"/grpo-torch-*.json)
  echo "seconds per step: oneshot median $(printf %.3f "$og"), PyTorch $(printf %.3f "$tg") -> $(echo "$og $tg" | awk '{printf "%.2fx", $2/$1}') faster"
else
  echo "## Engine: skipped (torch is not installed in $py's environment)"
fi
echo

# The verl reward module's path to the grader: the `oneshot grade --serve` worker it uses, against the C-ABI
# library through ctypes, on the 2,983 labelled grading cases, the same verdicts required.
reward_bench() {
  local dir="$work/reward" lib; lib="$(dirname "$bin")/libOneShotGrader.so"
  mkdir -p "$dir"
  "$bin" import "$here/../datasets/one-shot-rlvr/dsr_sub.jsonl" --store "$dir/s.db" >/dev/null
  "$bin" trajectories import "$here/../datasets/one-shot-rlvr/acc_step_500.json" --format one-shot-rlvr --dataset dsr_sub --run paper --store "$dir/s.db" >/dev/null
  "$bin" launch --preset paper-qwen2.5-math-1.5b-grpo --run paper --pi 1 --out "$dir/run" --grader "$bin" --store "$dir/s.db" >/dev/null
  python3 "$here/reward_paths.py" "$dir/run/reward.py" "$lib" "$shared/grading/cases.jsonl" "$runs" >"$dir/result.json"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); w,c=r["worker"],r["ctypes"]; print("worker (oneshot grade --serve): median %.3f s, %.0f calls/s\nctypes (libOneShotGrader.so): median %.3f s, %.0f calls/s -> %.1fx\nsame verdicts on all %d cases: %s" % (w["median_seconds"], w["calls_per_second"], c["median_seconds"], c["calls_per_second"], w["median_seconds"]/c["median_seconds"], r["cases"], r["same_verdicts"]))' "$dir/result.json"
}
echo "## Reward module: grader calls from Python, $runs runs each, interleaved"
reward_bench
echo

read -r steal1 total1 < <(cpu_ticks)
echo "machine: $(nproc) cores; CPU steal during the run: $(echo "$steal0 $total0 $steal1 $total1" | awk '{printf "%.0f%%", 100*($3-$1)/($4-$2)}') of all CPU time"
