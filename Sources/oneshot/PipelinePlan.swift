import Foundation
import JSON
import Store

/// The oneshot commands behind each pipeline stage, and how to summarise or undo a stage.
struct PipelinePlan {
    let config: PipelineConfig
    let storePath: String

    /// The probe run's name (the ranking the arms' π come from).
    var probeRun: String { config.trajectories == nil ? "probe" : "imported-probe" }

    /// The training runs, NAME-sSEED, with their arms.
    var trainRuns: [(name: String, arm: PipelineConfig.Arm, seed: Int)] {
        config.seeds.flatMap { seed in config.arms.map { ("\($0.name)-s\(seed)", $0, seed) } }
    }

    private var store: [String] { ["--store", storePath] }
    private func dataFile(_ kind: String, _ set: PipelineConfig.SynthSet) -> String {
        "\(config.work)/data/\(kind)-\(set.family)-\(set.n)-\(set.seed).jsonl"
    }
    private func benchmarkName(_ set: PipelineConfig.SynthSet) -> String { "bench-\(set.family)" }

    /// The command lines of `stage`, without the program name.
    func commands(_ stage: String) -> [[String]] {
        let c = config
        switch stage {
        case "data":
            let synth = c.synth.map { ["synth", "--family", $0.family, "--n", "\($0.n)", "--seed", "\($0.seed)", "--out", dataFile("pool", $0)] }
                + c.benchmarkSynth.map { ["synth", "--family", $0.family, "--n", "\($0.n)", "--seed", "\($0.seed)", "--held-out", "--out", dataFile("bench", $0)] }
            let pool = [["import"] + c.synth.map { dataFile("pool", $0) } + c.importFiles + ["--dataset", c.pool] + store]
            let benchmarks = c.benchmarkSynth.map { ["import", dataFile("bench", $0), "--dataset", benchmarkName($0), "--benchmark"] + store }
            return synth + pool + benchmarks
        case "dedup":
            return [["dedup", "--dataset", c.pool] + store]
        case "decontaminate":
            let against = c.benchmarks + c.benchmarkSynth.map(benchmarkName)
            return against.isEmpty ? [] : [["decontaminate", "--dataset", c.pool, "--against"] + against + store]
        case "probe":
            if let t = c.trajectories {
                return [["trajectories", "import", t.file, "--format", t.format, "--dataset", c.pool, "--run", probeRun] + store]
            }
            return [["probe", "--dataset", c.pool, "--epochs", "\(c.probeEpochs)", "--run", probeRun, "--out", "\(c.work)/runs/\(probeRun)",
                     "--model", c.model, "--seed", "\(c.probeSeed)", "--threads", "\(c.threads)"] + c.rlFlags + store]
        case "rank":
            let select = c.selectSets.map { set in
                let ranks = set.map(String.init).joined(separator: ",")
                return ["select", "--run", probeRun, "--by", c.rankBy, "--pi", ranks, "--repeat-to", "\(c.selectRows)", "--format", c.selectFormat,
                        "--out", "\(c.work)/pi\(set.map(String.init).joined(separator: "_pi"))_r\(c.selectRows).\(c.selectFormat)"] + store
            }
            return [["rank", "--run", probeRun, "--by", c.rankBy, "--top", "\(c.rankTop)"] + store] + select
        case "train":
            return trainRuns.map { run in
                let examples: [String]
                switch run.arm.examples {
                case .pi(let ranks): examples = ["--ranking", probeRun, "--by", c.rankBy, "--pi", ranks.map(String.init).joined(separator: ",")]
                case .random(let k): examples = ["--random", "\(k)", "--dataset", c.pool]
                case .pool: examples = ["--dataset", c.pool]
                }
                return ["train", "--run", run.name, "--out", "\(c.work)/runs/\(run.name)", "--model", c.model, "--steps", "\(c.steps)",
                        "--eval-every", "\(c.evalEvery)", "--eval-count", "\(c.evalCount)", "--seed", "\(run.seed)", "--threads", "\(c.threads)"]
                    + c.rlFlags + examples + store
            }
        case "eval":
            let checkpoints = [("base-eval", c.model)] + trainRuns.map { ("\($0.name)-eval", "\(c.work)/runs/\($0.name)/checkpoint") }
            return checkpoints.map { run, checkpoint in
                ["eval", "checkpoint", "--checkpoint", checkpoint, "--samples", "\(c.evalSamples)", "--temperature", "\(c.evalTemperature)",
                 "--count", "\(c.evalProblems)", "--run", run, "--threads", "\(c.threads)"] + store
            }
        case "report":
            return [["report", "--out", c.report] + store]
        default:
            return []
        }
    }

    /// Whether a command's run is already finished in the store (a stage killed after it, before the stage was recorded).
    func alreadyDone(_ command: [String], store: Store) throws -> Bool {
        guard ["probe", "train", "eval", "trajectories"].contains(command[0]), let i = command.firstIndex(of: "--run") else { return false }
        return try store.run(named: command[i + 1])?.status == .done
    }

    /// Removes what `stage` made, so it can be redone: its runs and checkpoints, or the datasets it imported.
    func undo(_ stage: String, store: Store) throws {
        var runs: [String] = []
        switch stage {
        case "data":
            for name in [config.pool] + config.benchmarkSynth.map(benchmarkName) { try store.deleteDataset(named: name) }
        case "probe": runs = [probeRun]
        case "train": runs = trainRuns.map(\.name)
        case "eval": runs = ["base-eval"] + trainRuns.map { "\($0.name)-eval" }
        default: break
        }
        for run in runs {
            try store.deleteRun(named: run)
            try? FileManager.default.removeItem(atPath: "\(config.work)/runs/\(run)")
        }
    }

    /// One line on what `stage` left in the store.
    func summary(_ stage: String, store: Store) throws -> String {
        let stats = ["data", "dedup", "decontaminate"].contains(stage) ? try store.stats() : []
        let pool = stats.first { $0.name == config.pool }
        switch stage {
        case "data":
            let benchmarks = stats.filter { $0.role == .benchmark }
            return "pool '\(config.pool)': \(pool?.rows ?? 0) examples (\(pool?.rejected ?? 0) rejected); \(benchmarks.count) benchmark set(s), \(benchmarks.reduce(0) { $0 + $1.rows }) items"
        case "dedup":
            return "\(pool?.clusters ?? 0) duplicate cluster(s), \(pool?.inClusters ?? 0) examples in them"
        case "decontaminate":
            return "\(pool?.contaminated ?? 0) example(s) flagged"
        case "probe":
            let run = try store.requireRun(named: probeRun)
            let histories = try store.histories(runID: run.id)
            return "\(histories.count) accuracy histories, \(histories.map(\.points.count).max() ?? 0) epochs (run '\(probeRun)')"
        case "rank":
            return "ranked by \(config.rankBy)" + (config.selectSets.isEmpty ? "" : "; \(config.selectSets.count) training file(s) in \(config.work)")
        case "train":
            let runs = try trainRuns.compactMap { try store.run(named: $0.name) }
            return "\(runs.filter { $0.status == .done }.count) training run(s) of \(config.steps) steps"
        case "eval":
            return "\(1 + trainRuns.count) checkpoint(s) evaluated, \(config.evalSamples) sample(s) per problem"
        case "report":
            return "\(config.report)/index.html and report.md"
        default:
            return ""
        }
    }
}
