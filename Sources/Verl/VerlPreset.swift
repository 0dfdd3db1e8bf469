/// verl launch presets: the paper's command on upstream verl's keys (composed with verl 0.9.1's and 0.8.0's own
/// `ppo_trainer` config by Hydra in the tests), and variants for the paper's other models. The reward is set
/// under `reward.*`, the keys both releases read (0.9 ignores the old top-level `custom_reward_function`).
///
/// Paths (data, reward, output folders) are not part of a preset: ``VerlLaunch`` fills them in, absolute.
public struct VerlPreset: Sendable {
    public let name: String
    public let summary: String
    /// Whether runs of this preset are probes (their rollouts give the trajectories `rank` reads).
    public let isProbe: Bool
    public let overrides: [HydraOverride]

    /// Every preset, by name.
    public static let all: [VerlPreset] = {
        let models: [(slug: String, path: String, responseLength: Int, note: String)] = [
            ("qwen2.5-math-1.5b", "Qwen/Qwen2.5-Math-1.5B", 3072, "the paper's main model and command"),
            ("qwen2.5-math-7b", "Qwen/Qwen2.5-Math-7B", 3072, "the 1.5B command with the 7B model"),
            ("llama-3.2-3b-instruct", "meta-llama/Llama-3.2-3B-Instruct", 3072, "the 1.5B command with Llama-3.2-3B-Instruct"),
            ("deepseek-r1-distill-qwen-1.5b", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", 8192, "responses up to 8192 tokens, the length the paper trained R1-Distill with"),
        ]
        var presets: [VerlPreset] = []
        for m in models {
            let base = grpo(model: m.path, responseLength: m.responseLength)
            presets.append(VerlPreset(name: "paper-\(m.slug)-grpo", summary: "GRPO, \(m.note)", isProbe: false, overrides: base))
            presets.append(VerlPreset(name: "paper-\(m.slug)-grpo-probe",
                                      summary: "GRPO over a whole pool for 500 steps, recording per-example accuracy (\(m.note))", isProbe: true,
                                      overrides: probe(base)))
            presets.append(VerlPreset(name: "paper-\(m.slug)-ppo", summary: "PPO with a critic (GAE), otherwise as the GRPO preset",
                                      isProbe: false, overrides: ppo(base, model: m.path)))
        }
        return presets
    }()

    /// The preset called `name`, if any.
    public static func named(_ name: String) -> VerlPreset? { all.first { $0.name == name } }

    /// The paper's GRPO command (scripts/train/training_1.5b_pi1_r128.sh of One-Shot-RLVR) on upstream keys:
    /// entropy_coeff set explicitly (upstream's default is 0), validation greedy with n = 1 as the fork ran it,
    /// val_before_train without '+', the file logger for per-step metrics.
    static func grpo(model: String, responseLength: Int) -> [HydraOverride] {
        [
            HydraOverride("algorithm.adv_estimator", .raw("grpo")),
            HydraOverride("data.train_batch_size", .raw("128")),
            HydraOverride("data.max_prompt_length", .raw("1024")),
            HydraOverride("data.max_response_length", .raw("\(responseLength)")),
            HydraOverride("data.filter_overlong_prompts", .raw("True")),
            HydraOverride("reward.reward_manager.name", .raw("naive")),
            HydraOverride("reward.custom_reward_function.name", .raw("compute_score")),
            HydraOverride("actor_rollout_ref.model.path", .string(model)),
            HydraOverride("actor_rollout_ref.model.use_remove_padding", .raw("True")),
            HydraOverride("actor_rollout_ref.model.enable_gradient_checkpointing", .raw("True")),
            HydraOverride("actor_rollout_ref.actor.optim.lr", .raw("1e-6")),
            HydraOverride("actor_rollout_ref.actor.ppo_mini_batch_size", .raw("128")),
            HydraOverride("actor_rollout_ref.actor.use_dynamic_bsz", .raw("True")),
            HydraOverride("actor_rollout_ref.actor.ppo_max_token_len_per_gpu", .raw("24000")),
            HydraOverride("actor_rollout_ref.actor.use_kl_loss", .raw("True")),
            HydraOverride("actor_rollout_ref.actor.kl_loss_coef", .raw("0.001")),
            HydraOverride("actor_rollout_ref.actor.kl_loss_type", .raw("low_var_kl")),
            HydraOverride("actor_rollout_ref.actor.entropy_coeff", .raw("0.001")),
            HydraOverride("actor_rollout_ref.actor.fsdp_config.param_offload", .raw("False")),
            HydraOverride("actor_rollout_ref.actor.fsdp_config.optimizer_offload", .raw("False")),
            HydraOverride("actor_rollout_ref.rollout.name", .raw("vllm")),
            HydraOverride("actor_rollout_ref.rollout.tensor_model_parallel_size", .raw("2")),
            HydraOverride("actor_rollout_ref.rollout.gpu_memory_utilization", .raw("0.7")),
            HydraOverride("actor_rollout_ref.rollout.temperature", .raw("0.6")),
            HydraOverride("actor_rollout_ref.rollout.n", .raw("8")),
            HydraOverride("actor_rollout_ref.rollout.val_kwargs.n", .raw("1")),
            HydraOverride("actor_rollout_ref.rollout.val_kwargs.do_sample", .raw("False")),
            HydraOverride("actor_rollout_ref.ref.fsdp_config.param_offload", .raw("True")),
            HydraOverride("algorithm.use_kl_in_reward", .raw("False")),
            HydraOverride("algorithm.kl_ctrl.kl_coef", .raw("0.001")),
            HydraOverride("trainer.critic_warmup", .raw("0")),
            HydraOverride("trainer.logger", .raw(#"["console","file"]"#)),
            HydraOverride("trainer.project_name", .raw("oneshotkit")),
            HydraOverride("trainer.val_before_train", .raw("True")),
            HydraOverride("trainer.n_gpus_per_node", .raw("8")),
            HydraOverride("trainer.nnodes", .raw("1")),
            HydraOverride("trainer.save_freq", .raw("20")),
            HydraOverride("trainer.test_freq", .raw("20")),
            HydraOverride("trainer.total_epochs", .raw("2000")),
        ]
    }

    /// A probe: the whole pool once per epoch for 500 steps (the length of the paper's DSR-sub run behind acc_step_500.json).
    static func probe(_ base: [HydraOverride]) -> [HydraOverride] {
        var o = base
        o.set("trainer.total_training_steps", .raw("500"))
        o.set("trainer.save_freq", .raw("100"))
        return o
    }

    /// PPO: GAE advantages from a critic initialised from the same model.
    static func ppo(_ base: [HydraOverride], model: String) -> [HydraOverride] {
        var o = base
        o.set("algorithm.adv_estimator", .raw("gae"))
        o.set("critic.model.path", .string(model))
        o.set("critic.optim.lr", .raw("1e-5"))
        o.set("critic.model.use_remove_padding", .raw("True"))
        o.set("critic.model.enable_gradient_checkpointing", .raw("True"))
        o.set("critic.ppo_mini_batch_size", .raw("128"))
        o.set("critic.use_dynamic_bsz", .raw("True"))
        o.set("critic.ppo_max_token_len_per_gpu", .raw("24000"))
        return o
    }
}
