import ArgumentParser
import Engine
import JSON

/// `oneshot engine eval`: greedy accuracy and format rate of a checkpoint on every task family.
struct EvaluateModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint on fresh problems of every task family (greedy by default).")

    @OptionGroup var engine: EngineOptions

    @Option(help: "The checkpoint directory.")
    var model: String

    @Option(help: "Problems per family.")
    var count: Int = 200

    @Option(help: "Seed of the evaluation problems.")
    var seed: UInt64 = 7_777

    @Option(help: "Sampling temperature: 0 is greedy; 1 is how RLVR rollouts sample.")
    var temperature: Double = 0

    @Flag(help: "Show each family's first responses.")
    var samples = false

    @Flag(help: "Print JSON on stdout.")
    var json = false

    mutating func run() throws {
        let loaded: (model: GPT<Float>, tokenizer: CharTokenizer, config: Checkpoint.Config)
        do { loaded = try Checkpoint(directory: model).load() } catch { throw ValidationError("\(error)") }
        let evaluations = FamilyReport.evaluate(loaded.model, tokenizer: loaded.tokenizer, count: count, seed: seed, temperature: temperature)
        if json { printJSON(FamilyReport.json(evaluations)) } else { print(FamilyReport.table(evaluations, samples: samples)) }
    }
}
