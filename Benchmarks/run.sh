#!/usr/bin/env bash
# make bench: OneShotKit against its Python peers, interleaved in the same run, medians of N runs.
# Usage: Benchmarks/run.sh ONESHOT_BINARY PYTHON SHARED_DATASETS [RUNS]
set -euo pipefail
bin=$(realpath "$1"); py=$2; shared=$(realpath "$3"); runs=${4:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
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
echo "## Near duplicates: $docs problems (MATH, GSM8K, DeepScaleR AIME+MATH parts), 128 permutations, threshold 0.8, $runs runs each"
for i in $(seq "$runs"); do
  measure "$bin" dedup --store "$work/d.db" --json >>"$work/dedup-swift"
  measure "$py" "$here/dedup_peer.py" "$work/all.jsonl" >>"$work/dedup-py"
  python3 -c "import json,sys; print(json.load(open('$work/out'))['seconds'])" >>"$work/dedup-py-inner"
done
sw=$(cut -d' ' -f1 "$work/dedup-swift" | median); sm=$(cut -d' ' -f2 "$work/dedup-swift" | median)
pi=$(median <"$work/dedup-py-inner"); pm=$(cut -d' ' -f2 "$work/dedup-py" | median)
echo "oneshot dedup (whole process: read store, normalise, MinHash, LSH, verify, write clusters): median $sw s, $(echo "$docs $sw" | awk '{printf "%.0f", $1/$2}') docs/s, peak RSS $((sm / 1024)) MiB"
echo "datasketch (work after loading, pre-normalised input): median $pi s, $(echo "$docs $pi" | awk '{printf "%.0f", $1/$2}') docs/s, peak RSS $((pm / 1024)) MiB"
echo "speed ratio: $(echo "$pi $sw" | awk '{printf "%.1fx", $1/$2}'); memory ratio: $(echo "$sm $pm" | awk '{printf "%.2f", $1/$2}') of datasketch's peak"
