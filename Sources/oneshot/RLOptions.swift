import ArgumentParser
import Engine

extension RLAlgorithm: ExpressibleByArgument {}

/// The flags every RLVR command shares (probe, train): engine, base checkpoint, the run's name and folder,
/// and GRPO's settings with the paper's defaults where they apply.
struct RLOptions: ParsableArguments {
    @Option(help: "Engine: builtin (real LLMs go through verl, see the README).")
    var engine: String = "builtin"

    @Option(help: "The base checkpoint directory (policy at step 0 and the frozen KL reference).")
    var model: String = "models/base"

    @Option(name: .customLong("run"), help: "The run's name in the store; the same name resumes a killed run.")
    var runName: String

    @Option(help: "The run's folder for checkpoints (default: runs/NAME).")
    var out: String?

    @Option(help: "grpo (the paper's main algorithm) or ppo (a critic with GAE).")
    var algorithm: RLAlgorithm = .grpo

    @Option(help: "PPO: the critic's learning rate.")
    var criticLr: Double = 1e-3

    @Option(help: "Seed of sampling and data order.")
    var seed: UInt64 = 0

    @Option(help: "AdamW learning rate (constant).")
    var lr: Double = 1e-4

    @Option(name: [.customLong("prompts-per-step"), .customLong("repeat-to")],
            help: "Prompts per step (the train batch; chosen examples are repeated to fill it).")
    var promptsPerStep: Int = 8

    @Option(help: "Responses sampled per prompt (GRPO group).")
    var groupSize: Int = 8

    @Option(help: "β of the low_var_kl penalty to the base.")
    var klCoef: Double = 0.001

    @Option(help: "Entropy bonus coefficient (0 allowed).")
    var entropyCoef: Double = 0.001

    @Option(help: "ε of the clipped ratio.")
    var clip: Double = 0.2

    @Option(help: "Rollout temperature.")
    var temperature: Double = 1

    @Option(help: "Most new tokens per response.")
    var maxNewTokens: Int = 96

    @Option(help: "Updates per rollout batch (verl's ppo_epochs); 1, the paper's setting, keeps the update on-policy.")
    var updateEpochs: Int = 1

    @Option(help: "Write a checkpoint every this many steps (a killed run resumes from the last one).")
    var saveEvery: Int = 10

    @OptionGroup var engineOptions: EngineOptions

    var directory: String { out ?? "runs/\(runName)" }

    func validate() throws {
        guard engine == "builtin" else {
            throw ValidationError("--engine \(engine): this command runs the built-in engine; verl runs are prepared with `oneshot launch`")
        }
        guard promptsPerStep > 0, groupSize >= (algorithm == .grpo ? 2 : 1) else {
            throw ValidationError("--prompts-per-step must be positive and --group-size at least 2 (GRPO compares samples within a group) or 1 (PPO)")
        }
        guard criticLr > 0, updateEpochs >= 1 else { throw ValidationError("--critic-lr must be positive and --update-epochs at least 1") }
        guard lr > 0, temperature > 0, maxNewTokens > 0, saveEvery > 0 else {
            throw ValidationError("--lr, --temperature, --max-new-tokens and --save-every must be positive")
        }
        guard klCoef >= 0, entropyCoef >= 0, clip > 0 else { throw ValidationError("--kl-coef and --entropy-coef must be ≥ 0, --clip > 0") }
    }

    func rlConfig(entropyOnly: Bool = false) -> RLConfig {
        var config = RLConfig()
        config.algorithm = algorithm
        config.criticLearningRate = criticLr
        config.updateEpochs = updateEpochs
        config.promptsPerStep = promptsPerStep
        config.groupSize = groupSize
        config.learningRate = lr
        config.loss = PolicyLossTerms(clip: clip, klCoefficient: klCoef, entropyCoefficient: entropyCoef, temperature: temperature)
        config.maxNewTokens = maxNewTokens
        config.entropyOnly = entropyOnly
        return config
    }
}
