import ArgumentParser

/// `oneshot engine`: the built-in CPU policy (pretraining, evaluation).
struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "The built-in CPU policy: a small character-level transformer trained on generated math tasks.",
        subcommands: [Pretrain.self, EvaluateModel.self])
}

/// Options shared by the engine's commands.
struct EngineOptions: ParsableArguments {
    @Option(help: "Worker threads for training steps, each with one OpenBLAS thread; a worker on a busy core just does less, so 2 never runs slower than 1. Sampling uses one.")
    var threads: Int = 1

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    }
}
