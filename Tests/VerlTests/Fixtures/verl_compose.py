"""Composes verl's own `ppo_trainer` config with a launch's overrides through Hydra (an unknown key fails),
runs it through verl's `main` up to the point where training would start (its validation and, in 0.8, its
migration of the reward keys), then loads the reward with verl's own loader and calls it.

stdin: {"overrides": [...], "calls": [[data_source, solution_str, ground_truth, extra_info], ...], "main": bool}
With "main": false the composed config skips verl's `main`: for a critic (PPO), verl's validation loads the
critic model's files from the Hugging Face hub, which cannot be reached here.
stdout: {"version", "path", "name", "manager", "use_v1", "env_vars", "scores": [...]}, or {"error": ...} and exit 1.
"""
import json
import os
import sys

import hydra
from omegaconf import OmegaConf

import verl
import verl.trainer.main_ppo as main_ppo
from verl.trainer.ppo.reward import get_custom_reward_fn

request = json.load(sys.stdin)
captured = {}


def run_ppo(config, task_runner_class=None):
    captured["config"] = config


main_ppo.run_ppo = run_ppo
try:
    config_dir = os.path.join(os.path.dirname(main_ppo.__file__), "config")
    with hydra.initialize_config_dir(config_dir=config_dir, version_base=None):
        config = hydra.compose(config_name="ppo_trainer", overrides=request["overrides"])
    if request.get("main", True):
        main_ppo.main.__wrapped__(config)
        config = captured["config"]
    else:
        if hasattr(main_ppo, "migrate_legacy_reward_impl"):
            config = main_ppo.migrate_legacy_reward_impl(config)
    score = get_custom_reward_fn(config)
    scores = [score(*call) for call in request["calls"]]
    print(json.dumps({
        "version": verl.__version__,
        "path": config.reward.custom_reward_function.path,
        "name": config.reward.custom_reward_function.name,
        "manager": config.reward.reward_manager.name,
        "use_v1": bool(OmegaConf.select(config, "trainer.use_v1", default=False)),
        "env_vars": OmegaConf.to_container(config.ray_kwargs.ray_init.runtime_env.env_vars),
        "scores": scores,
    }))
except Exception as error:
    print(json.dumps({"error": "%s: %s" % (type(error).__name__, error)}))
    sys.exit(1)
