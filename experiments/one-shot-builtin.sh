#!/usr/bin/env bash
# The small-scale 1-shot RLVR experiment on the built-in engine (RESULTS.md):
#   pool -> probe -> rank by historical variance -> 1-shot / few-shot / full-pool / entropy-only runs, 3 seeds each.
# usage: experiments/one-shot-builtin.sh ONESHOT_BINARY WORK_DIR [STEPS] [SEEDS]
# Two runs at a time, one BLAS thread each (the machine has two cores). Resumable: rerunning skips finished runs
# and resumes killed ones from their last checkpoint.
set -euo pipefail
bin=$(realpath "$1"); work=$2; steps=${3:-60}; seeds=${4:-"1 2 3"}
model=$(realpath "$(dirname "$0")/../models/base")
mkdir -p "$work" && cd "$work"
export ONESHOT_STORE=$PWD/oneshot.db

if ! "$bin" stats 2>/dev/null | grep -q '^pool '; then
  for f in add sub mul expr lineq frac; do "$bin" synth --family "$f" --n 16 --seed 101 --out "pool-$f.jsonl"; done
  "$bin" import pool-*.jsonl --dataset pool
fi
done_run() { sqlite3 "$ONESHOT_STORE" "SELECT 1 FROM runs WHERE name = '$1' AND status = 'done'" 2>/dev/null | grep -q 1; }
done_run probe || "$bin" probe --dataset pool --epochs 8 --run probe --model "$model" --out runs/probe --seed 0

"$bin" rank --run probe --json > ranking.json
last=$(python3 -c 'import json; print(len(json.load(open("ranking.json"))))')

jobs=()
for seed in $seeds; do
  common="--model $model --steps $steps --eval-every 10 --eval-count 50 --seed $seed"
  jobs+=("pi1-s$seed|--ranking probe --pi 1 $common")
  jobs+=("pi2-s$seed|--ranking probe --pi 2 $common")
  jobs+=("pi1pi2-s$seed|--ranking probe --pi 1,2 $common")
  jobs+=("low-s$seed|--ranking probe --pi $last $common")
  jobs+=("random-s$seed|--random 1 --dataset pool $common")
  jobs+=("full-s$seed|--dataset pool $common")
  jobs+=("entropy-s$seed|--ranking probe --pi 1 --entropy-only $common")
done
run_one() {
  local name=${1%%|*} args=${1#*|}
  done_run "$name" && return 0
  # shellcheck disable=SC2086
  "$bin" train --run "$name" --out "runs/$name" $args > "logs/$name.txt" 2>&1
}
export -f run_one done_run; export bin
mkdir -p logs
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {}
echo "all runs done: $ONESHOT_STORE"
