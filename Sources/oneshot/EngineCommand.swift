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
    @Option(help: "OpenBLAS threads. 1 is safe on a shared 2-core machine; 2 helps only when the other core is idle.")
    var threads: Int = 1
}
