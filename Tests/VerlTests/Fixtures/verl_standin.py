"""Stands in for `python -m verl.trainer.main_ppo` where no GPU can train: everything but the training step is
verl's own code.

- The overrides are composed with verl's own `ppo_trainer` config by Hydra (an unknown key fails, as in verl)
  and go through verl's `main` (config validation, the reward-key migration 0.8 does) into verl's `run_ppo`,
  which calls `ray.init` with the config's runtime_env and runs the TaskRunner as a Ray actor.
- The TaskRunner below replaces verl's: for each step it "generates" answers (right for even-numbered rollouts,
  wrong otherwise, so accuracies are known), scores them with the reward verl loads from the config
  (`get_custom_reward_fn`, i.e. the run's reward.py and the OneShotKit grader), and writes the rollout and
  validation dumps with verl's own writers: the V1 trainer's when trainer.use_v1 is set, else RayPPOTrainer's.
  Its metrics go through verl's FileLogger, which reads VERL_FILE_LOGGER_PATH in the Ray worker.
- ONESHOT_STANDIN_SLEEP=S sleeps S seconds per step (to stop a running job); ONESHOT_STANDIN_FAIL=1 raises.
"""
import os
import sys
import time
import uuid

import hydra
import pyarrow.parquet as pq
import ray

import verl.trainer.main_ppo as main_ppo
from verl.trainer.ppo.reward import get_custom_reward_fn
from verl.utils.tracking import FileLogger

SYSTEM = "system\nPlease reason step by step, and put your final answer within \\boxed{}.\nuser\n"


def rows(path):
    table = pq.read_table(path).to_pylist()
    return [(row["prompt"][0]["content"], row["reward_model"]["ground_truth"], row.get("data_source"),
             row.get("extra_info") or {}) for row in table]


def generate(config, items, n, step, dump_dir, validation):
    score = get_custom_reward_fn(config)
    inputs, outputs, gts, scores, extra = [], [], [], [], {}
    uids = []
    for prompt, gold, source, info in items:
        uid = str(uuid.uuid4())
        for k in range(n):
            answer = gold if k % 2 == 0 else "(" + gold + ")+1"
            text = "Let me think. The answer is \\boxed{" + answer + "}."
            result = score(source, text, gold, info)
            inputs.append(SYSTEM + prompt + "\nassistant\n")
            outputs.append(text)
            gts.append(gold)
            scores.append(float(result["score"]))
            uids.append("%s_%d_0" % (uid, k))
            for key, value in result.items():
                if key != "score":
                    extra.setdefault(key, []).append(value)
    if validation:
        extra["reward"] = list(scores)
    if config.trainer.get("use_v1", False):
        from verl.trainer.ppo.v1.trainer_base import PPOTrainer as Trainer
        # The V1 trainer dumps rollouts with only their uid; its validation dumps keep the reward's extra fields.
        extra = ({"uid": uids} | extra) if validation else {"uid": uids}
    else:
        from verl.trainer.ppo.ray_trainer import RayPPOTrainer as Trainer
    Trainer._write_generations(inputs, outputs, gts, scores, extra, dump_dir, step)
    return sum(scores) / len(scores)


@ray.remote(num_cpus=0)
class TaskRunner:
    def run(self, config):
        if os.environ.get("ONESHOT_STANDIN_FAIL") == "1":
            raise RuntimeError("ONESHOT_STANDIN_FAIL=1: the stand-in fails as asked")
        logger = FileLogger(config.trainer.project_name, config.trainer.experiment_name)
        train = rows(config.data.train_files)
        unique = list({info.get("index"): (p, g, s, info) for p, g, s, info in train}.values())
        validation = rows(config.data.val_files)[:4]
        n = int(config.actor_rollout_ref.rollout.n)
        steps = int(config.trainer.total_training_steps or 2)
        generate(config, validation, 1, 0, config.trainer.validation_data_dir, True)
        for step in range(1, steps + 1):
            time.sleep(float(os.environ.get("ONESHOT_STANDIN_SLEEP", "0")))
            reward = generate(config, unique, n, step, config.trainer.rollout_data_dir, False)
            logger.log({"critic/score/mean": reward, "actor/entropy": 0.5, "training/global_step": step}, step)
            print("step:%d - critic/score/mean:%s" % (step, reward), flush=True)
        generate(config, validation, 1, steps, config.trainer.validation_data_dir, True)
        logger.finish()
        return steps


if __name__ == "__main__":
    original = main_ppo.run_ppo
    main_ppo.run_ppo = lambda config, task_runner_class=None: original(config, TaskRunner)
    config_dir = os.path.join(os.path.dirname(main_ppo.__file__), "config")
    with hydra.initialize_config_dir(config_dir=config_dir, version_base=None):
        config = hydra.compose(config_name="ppo_trainer", overrides=sys.argv[1:])
    main_ppo.main.__wrapped__(config)
