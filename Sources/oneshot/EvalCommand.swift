import ArgumentParser

/// `oneshot eval`: evaluate a built-in checkpoint (the default), or import generations graded elsewhere.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a built-in checkpoint, or import and re-grade generations made elsewhere.",
        discussion: "`oneshot eval --checkpoint C` is `oneshot eval checkpoint --checkpoint C`.",
        subcommands: [EvalCheckpoint.self, EvalImport.self],
        defaultSubcommand: EvalCheckpoint.self)
}
