"""Writes two steps of rollout dumps for a run folder with verl's own writer: the V1 trainer's (0.9, only
input/output/gts/score/step/uid) or RayPPOTrainer's (0.8, with the reward's extra fields). Response k of each
example is right when k is even. Usage: write_dumps.py RUN_DIR v1|legacy"""
import sys
import uuid

import pyarrow.parquet as pq

run, trainer = sys.argv[1], sys.argv[2]
rows = pq.read_table(run + "/data/train.parquet").to_pylist()
unique = list({row["extra_info"]["index"]: row for row in rows}.values())
for step in (1, 2):
    inputs, outputs, gts, scores, extra = [], [], [], [], {"uid": [], "acc": [], "ex_index": []}
    for row in unique:
        uid = str(uuid.uuid4())
        for k in range(4):
            gold = row["reward_model"]["ground_truth"]
            right = k % 2 == 0 or (step == 2 and k == 1)
            inputs.append("system\nPlease reason step by step.\nuser\n" + row["prompt"][0]["content"] + "\nassistant\n")
            outputs.append("\\boxed{" + (gold if right else "0") + "}")
            gts.append(gold)
            scores.append(1.0 if right else 0.0)
            extra["uid"].append("%s_%d_0" % (uid, k))
            extra["acc"].append(scores[-1])
            extra["ex_index"].append(str(row["extra_info"]["index"]))
    if trainer == "v1":
        from verl.trainer.ppo.v1.trainer_base import PPOTrainer
        PPOTrainer._write_generations(inputs, outputs, gts, scores, {"uid": extra["uid"]}, run + "/rollouts", step)
    else:
        from verl.trainer.ppo.ray_trainer import RayPPOTrainer
        del extra["uid"]
        RayPPOTrainer._write_generations(inputs, outputs, gts, scores, extra, run + "/rollouts", step)
