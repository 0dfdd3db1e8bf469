import ArgumentParser
import Corpus
import Foundation
import JSON
import TOMLKit

/// What `oneshot pipeline` runs, read from a TOML file; every key has a default, and the defaults are the
/// embedded default: the built-in engine on the shipped base policy and generated tasks. Relative paths in
/// a file are relative to the file's folder. Unknown keys are errors (a typo must not be silently ignored).
struct PipelineConfig {
    /// Generated problems (`oneshot synth`).
    struct SynthSet: Equatable {
        var family: String
        var n: Int
        var seed: Int
    }

    /// A training arm: its examples, named in the run names (NAME-sSEED).
    struct Arm: Equatable {
        var name: String
        /// π ranks of the probe's ranking, or K random pool examples, or the whole pool.
        enum Examples: Equatable { case pi([Int]), random(Int), pool }
        var examples: Examples
    }

    var name = "demo"
    /// Checkpoints, logs and generated files.
    var work = "demo-out"
    var report = "reports/demo"

    // [data]
    var pool = "pool"
    var synth: [SynthSet] = ["add", "sub", "mul", "expr", "lineq", "frac"].map { SynthSet(family: $0, n: 16, seed: 101) }
    var importFiles: [String] = []
    /// The built-in engine's evaluation problems (`synth --held-out`: what train and eval measure, seed 7777),
    /// imported as benchmarks named bench-FAMILY to decontaminate the pool against.
    var benchmarkSynth: [SynthSet] = ["add", "sub", "mul", "expr", "lineq", "frac", "add3"].map { SynthSet(family: $0, n: 100, seed: 7_777) }
    /// Benchmarks by name (the shipped ones: math500, aime24, ...; or imported datasets) to decontaminate against.
    var benchmarks: [String] = []

    // [probe]
    var probeEpochs = 8
    var probeSeed = 0
    /// Histories imported instead of probing (`oneshot trajectories import`), with their format.
    var trajectories: (file: String, format: String)?

    // [rank]
    var rankBy = "variance"
    var rankTop = 16
    /// π sets written as training files (`oneshot select`), and their rows (the paper's batch size).
    var selectSets: [[Int]] = []
    var selectRows = 128
    var selectFormat = "parquet"

    // [engine]
    var model = "models/base"
    var threads = 2
    /// RL settings given in [engine] (prompts_per_step, group_size, ...), as probe and train flags.
    var rlFlags: [String] = []
    /// The [engine] keys that become RL flags, with the flag each becomes.
    static let rlKeys: [(key: String, flag: String)] = [
        ("algorithm", "--algorithm"), ("prompts_per_step", "--prompts-per-step"), ("group_size", "--group-size"), ("lr", "--lr"),
        ("kl_coef", "--kl-coef"), ("entropy_coef", "--entropy-coef"), ("clip", "--clip"), ("temperature", "--temperature"),
        ("max_new_tokens", "--max-new-tokens"), ("save_every", "--save-every"),
    ]

    // [train]
    var steps = 40
    var seeds = [1]
    var evalEvery = 10
    var evalCount = 50
    var arms: [Arm] = [Arm(name: "pi1", examples: .pi([1])), Arm(name: "pi2", examples: .pi([2])), Arm(name: "pi1-pi2", examples: .pi([1, 2])),
                       Arm(name: "random", examples: .random(1)), Arm(name: "full", examples: .pool)]

    // [eval]
    var evalSamples = 4
    var evalTemperature = 1.0
    var evalProblems = 100

    /// The stages in order, each with the part of the config it depends on (hashed to notice a change).
    var stages: [(name: String, config: String)] {
        func text(_ parts: Any...) -> String { parts.map { "\($0)" }.joined(separator: "|") }
        var list: [(String, String)] = [
            ("data", text(pool, synth.map { "\($0)" }, importFiles, benchmarkSynth.map { "\($0)" }, benchmarks)),
            ("dedup", text(pool)),
            ("decontaminate", text(pool, benchmarks, benchmarkSynth.map { "\($0)" })),
        ]
        if let trajectories { list.append(("probe", text("import", trajectories.file, trajectories.format))) } else {
            list.append(("probe", text(model, probeEpochs, probeSeed, rlFlags)))
        }
        list.append(("rank", text(rankBy, rankTop, selectSets, selectRows, selectFormat)))
        if !arms.isEmpty {
            list.append(("train", text(model, steps, seeds, evalEvery, evalCount, arms.map { "\($0)" }, rlFlags)))
            list.append(("eval", text(evalSamples, evalTemperature, evalProblems)))
        }
        list.append(("report", text(report)))
        return list
    }

    static let stageNames = ["data", "dedup", "decontaminate", "probe", "rank", "train", "eval", "report"]

    /// The sha256 of a stage's config text.
    static func hash(_ text: String) -> String { SHA256.hex(of: Array(text.utf8)) }
}

extension PipelineConfig {
    /// Reads `path`; errors name the file and the line (syntax) or the key (meaning).
    init(file path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw ValidationError("\(path): cannot read the file") }
        let value: JSONValue
        do {
            let table = try TOMLTable(string: text)
            value = try JSONParser.parse(table.convert(to: .json))
        } catch let error as TOMLParseError {
            throw ValidationError("\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        // Relative to the file's folder; shown relative to the working directory when inside it (stable in logs and reports).
        let cwd = FileManager.default.currentDirectoryPath + "/"
        func resolve(_ p: String) -> String {
            let absolute = p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path
            return absolute.hasPrefix(cwd) ? String(absolute.dropFirst(cwd.count)) : absolute
        }
        self.init()
        var root = ConfigReader(value, path: path, section: nil)
        name = try root.string("name") ?? name
        work = resolve(try root.string("work") ?? work)
        report = resolve(try root.string("report") ?? report)
        model = resolve(model)
        if var data = try root.table("data") {
            pool = try data.string("pool") ?? pool
            synth = try data.synthSets("synth") ?? synth
            importFiles = try data.strings("import")?.map(resolve) ?? importFiles
            benchmarkSynth = try data.synthSets("benchmark_synth") ?? benchmarkSynth
            benchmarks = try data.strings("benchmarks") ?? benchmarks
            try data.finish()
        }
        if var probe = try root.table("probe") {
            probeEpochs = try probe.int("epochs") ?? probeEpochs
            probeSeed = try probe.int("seed") ?? probeSeed
            if let file = try probe.string("trajectories") { trajectories = (resolve(file), try probe.string("format") ?? "one-shot-rlvr") }
            try probe.finish()
        }
        if var rank = try root.table("rank") {
            rankBy = try rank.string("by") ?? rankBy
            rankTop = try rank.int("top") ?? rankTop
            selectSets = try rank.intLists("select") ?? selectSets
            selectRows = try rank.int("rows") ?? selectRows
            selectFormat = try rank.string("format") ?? selectFormat
            try rank.finish()
        }
        if var engine = try root.table("engine") {
            model = try engine.string("model").map(resolve) ?? model
            threads = try engine.int("threads") ?? threads
            for (key, flag) in PipelineConfig.rlKeys {
                guard let value = engine.get(key) else { continue }
                guard let text = value.scalarText else { throw ValidationError("\(path): [engine] \(key): expected a number or a string") }
                rlFlags += [flag, text]
            }
            try engine.finish()
        }
        if var train = try root.table("train") {
            steps = try train.int("steps") ?? steps
            seeds = try train.ints("seeds") ?? seeds
            evalEvery = try train.int("eval_every") ?? evalEvery
            evalCount = try train.int("eval_count") ?? evalCount
            arms = try train.arms("arms") ?? arms
            try train.finish()
        }
        if var eval = try root.table("eval") {
            evalSamples = try eval.int("samples") ?? evalSamples
            evalTemperature = try eval.double("temperature") ?? evalTemperature
            evalProblems = try eval.int("count") ?? evalProblems
            try eval.finish()
        }
        try root.finish()
        try check(path)
    }

    /// Refuses values no stage could run with.
    func check(_ path: String) throws {
        func fail(_ message: String) -> ValidationError { ValidationError("\(path): \(message)") }
        guard !synth.isEmpty || !importFiles.isEmpty else { throw fail("[data]: give synth sets or import files for the pool") }
        guard probeEpochs > 0, steps > 0, evalEvery >= 0, evalCount > 0, threads > 0, rankTop > 0, selectRows > 0 else {
            throw fail("epochs, steps, eval_count, threads, top and rows must be positive")
        }
        guard evalSamples > 0, evalProblems > 0, evalTemperature >= 0, evalTemperature > 0 || evalSamples == 1 else {
            throw fail("[eval]: samples and count must be positive; greedy decoding (temperature 0) gives one sample")
        }
        guard !seeds.isEmpty else { throw fail("[train] seeds: at least one seed") }
        let names = arms.map(\.name)
        guard Set(names).count == names.count else { throw fail("[train] arms: two arms share a name") }
        guard ["jsonl", "json", "parquet"].contains(selectFormat) else { throw fail("[rank] format: jsonl, json or parquet") }
    }
}

/// Reads one TOML table (as JSON) key by key, remembering which keys were read, so unknown ones are reported.
private struct ConfigReader {
    let value: JSONValue
    let path: String
    let section: String?
    private var read: Set<String> = []

    init(_ value: JSONValue, path: String, section: String?) {
        self.value = value
        self.path = path
        self.section = section
    }

    private func fail(_ key: String, _ message: String) -> ValidationError {
        ValidationError("\(path): \(section.map { "[\($0)] " } ?? "")\(key): \(message)")
    }

    mutating func get(_ key: String) -> JSONValue? {
        read.insert(key)
        return value[key]
    }

    mutating func string(_ key: String) throws -> String? {
        guard let v = get(key) else { return nil }
        guard let s = v.stringValue else { throw fail(key, "expected a string, got \(v.typeName)") }
        return s
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = get(key) else { return nil }
        guard case .int(let i) = v else { throw fail(key, "expected an integer, got \(v.typeName)") }
        return Int(i)
    }

    mutating func double(_ key: String) throws -> Double? {
        guard let v = get(key) else { return nil }
        guard let d = v.numberValue else { throw fail(key, "expected a number, got \(v.typeName)") }
        return d
    }

    mutating func strings(_ key: String) throws -> [String]? {
        guard let v = get(key) else { return nil }
        guard let list = v.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else { throw fail(key, "expected a list of strings") }
        return list.map { $0.stringValue! }
    }

    mutating func ints(_ key: String) throws -> [Int]? {
        guard let v = get(key) else { return nil }
        guard let list = v.arrayValue else { throw fail(key, "expected a list of integers") }
        return try list.map { item in
            guard case .int(let i) = item else { throw fail(key, "expected a list of integers") }
            return Int(i)
        }
    }

    mutating func intLists(_ key: String) throws -> [[Int]]? {
        guard let v = get(key) else { return nil }
        guard let list = v.arrayValue else { throw fail(key, "expected a list of lists of π ranks, e.g. [[1], [1, 13]]") }
        return try list.map { item in
            guard let inner = item.arrayValue else { throw fail(key, "expected a list of lists of π ranks, e.g. [[1], [1, 13]]") }
            return try inner.map { r in
                guard case .int(let i) = r, i > 0 else { throw fail(key, "π ranks are positive integers") }
                return Int(i)
            }
        }
    }

    mutating func table(_ key: String) throws -> ConfigReader? {
        guard let v = get(key) else { return nil }
        guard case .object = v else { throw fail(key, "expected a table [\(key)]") }
        return ConfigReader(v, path: path, section: child(key))
    }

    /// A list of inline tables, each with its reader (section KEY[i]).
    private mutating func tables(_ key: String, what: String) throws -> [ConfigReader]? {
        guard let v = get(key) else { return nil }
        guard let list = v.arrayValue else { throw fail(key, "expected a list of \(what)") }
        return list.enumerated().map { i, item in ConfigReader(item, path: path, section: child("\(key)[\(i + 1)]")) }
    }

    private func child(_ name: String) -> String { (section.map { $0 + "." } ?? "") + name }

    /// A list of inline tables `{ family = "add", n = 16, seed = 101 }`.
    mutating func synthSets(_ key: String) throws -> [PipelineConfig.SynthSet]? {
        try tables(key, what: "{ family, n, seed } tables")?.enumerated().map { i, reader in
            var r = reader
            guard let family = try r.string("family") else { throw fail(key, "item \(i + 1): family is missing") }
            let set = PipelineConfig.SynthSet(family: family, n: try r.int("n") ?? 16, seed: try r.int("seed") ?? 0)
            try r.finish()
            return set
        }
    }

    /// A list of `{ name = "pi1", pi = [1] }`, `{ name = "random", random = 1 }` or `{ name = "full", pool = true }`.
    mutating func arms(_ key: String) throws -> [PipelineConfig.Arm]? {
        try tables(key, what: "arm tables")?.enumerated().map { i, reader in
            var r = reader
            guard let name = try r.string("name") else { throw fail(key, "item \(i + 1): name is missing") }
            let pi = try r.ints("pi"), random = try r.int("random"), pool = r.get("pool") == .bool(true)
            let examples: PipelineConfig.Arm.Examples
            switch (pi, random, pool) {
            case (let pi?, nil, false) where !pi.isEmpty && pi.allSatisfy({ $0 > 0 }): examples = .pi(pi)
            case (nil, let k?, false) where k > 0: examples = .random(k)
            case (nil, nil, true): examples = .pool
            default: throw fail(key, "arm '\(name)': give exactly one of pi = [ranks], random = K or pool = true")
            }
            try r.finish()
            return PipelineConfig.Arm(name: name, examples: examples)
        }
    }

    /// Fails on keys nobody read.
    func finish() throws {
        guard let object = value.objectValue else { return }
        if let unknown = object.keys.first(where: { !read.contains($0) }) { throw fail(unknown, "unknown key") }
    }
}
