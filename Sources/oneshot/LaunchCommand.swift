import ArgumentParser
import Corpus
import Foundation
import JSON
import Selection
import Store
import Verl

/// `oneshot launch --engine verl`: a real-LLM run prepared for verl, in its own folder, recorded in the store.
struct Launch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prepare a verl run (training and validation files, reward module, launch script, manifest) and record it.",
        discussion: """
            Presets: \(VerlPreset.all.map(\.name).joined(separator: ", ")). Every key can be changed with \
            --set key=value (repeatable). The examples: π ranks of a ranked run (--run RUN --pi 1,13), ids \
            (--examples), or a whole pool (--dataset, for the -probe presets). Training rows are repeated to the \
            batch size as the paper does. The reward module asks `oneshot grade --serve` for every verdict, so \
            the binary's path must be readable on every node (shared storage; build it with \
            `swift build -c release --static-swift-stdlib` for nodes without Swift). Start the run with \
            RUN_DIR/launch.sh; `oneshot ingest RUN_DIR` reads its results back. --dry-run prints the command \
            and writes nothing.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Engine: verl.")
    var engine: String = "verl"

    @Option(help: "The launch preset.")
    var preset: String

    @Option(name: .customLong("run"), help: "The ranked run whose ranking names π_i (with --pi).")
    var rankingRun: String?

    @Option(help: "Ranks to train on, e.g. 1 or 1,13.")
    var pi: String?

    @Option(help: "Example ids to train on.")
    var examples: String?

    @Option(help: "A pool: the whole dataset is the training file (for probes).")
    var dataset: String?

    @Option(help: "The run folder (created).")
    var out: String

    @Option(help: "The run's name in the store (default: the folder's name).")
    var name: String?

    @Option(name: .customLong("val"), parsing: .upToNextOption, help: "Validation benchmarks (default: math500).")
    var validation: [String] = ["math500"]

    @Option(name: .customLong("set"), help: "Override a verl key: key=value (repeatable).")
    var settings: [String] = []

    @Option(help: "The oneshot binary the reward module runs (default: this one).")
    var grader: String?

    @Flag(help: "Print the command; write and record nothing.")
    var dryRun = false

    @Option(help: "Start the run: local (launch.sh on this machine, detached), ray (the Ray Jobs API at --address) or slurm (sbatch job.sbatch). Without it, start it later with `oneshot submit`.")
    var submit: SubmissionOptions.Kind?

    @OptionGroup var submission: SubmissionOptions

    @Option(help: "The verl release the job runs: \(VerlVersion.allCases.map(\.rawValue).joined(separator: " or ")) (any release of the series); launch.sh checks it at start-up.")
    var verlVersion: String = VerlVersion.latest.rawValue

    @Option(help: "The Python that runs verl (and Ray, on Slurm): a path, or a name on PATH.")
    var python: String = "python3"

    @Option(name: .customLong("env"), help: "A variable for the job: KEY=VALUE (repeatable); exported before Ray starts and passed to verl's ray.init.")
    var variables: [String] = []

    @Option(help: "A shell file sourced on every node before Ray starts (module loads, conda or venv activation).")
    var setup: String?

    @OptionGroup var ranking: RankingOptionGroup

    func validate() throws {
        guard engine == "verl" else { throw ValidationError("--engine \(engine): launch prepares verl runs (the built-in engine runs with `oneshot train`)") }
        guard VerlPreset.named(preset) != nil else {
            throw ValidationError("--preset \(preset): no such preset (\(VerlPreset.all.map(\.name).joined(separator: ", ")))")
        }
        guard [pi != nil, examples != nil, dataset != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("choose the examples with one of --pi (with --run), --examples or --dataset")
        }
        if pi != nil && rankingRun == nil { throw ValidationError("--pi needs --run (the ranked run whose ranking names π_i)") }
        for setting in settings where HydraOverride.parse(setting) == nil { throw ValidationError("--set \(setting): expected key=value") }
        if let submit { _ = try submission.target(submit) }
        guard VerlVersion(argument: verlVersion) != nil else {
            throw ValidationError("--verl-version \(verlVersion): supported are \(VerlVersion.allCases.map(\.rawValue).joined(separator: ", ")) (and their series)")
        }
        for variable in variables {
            guard let eq = variable.firstIndex(of: "="), VerlLaunch.JobEnvironment.isValidName(String(variable[..<eq])) else {
                throw ValidationError("--env \(variable): expected KEY=VALUE with KEY a variable name (letters, digits, _)")
            }
        }
        if let setup, !FileManager.default.isReadableFile(atPath: setup) { throw ValidationError("--setup \(setup): no such readable file") }
        let values = [("--out", out), ("--name", name ?? ""), ("--python", python)] + settings.map { ("--set", $0) }
            + variables.map { ("--env", $0) }
        for (field, value) in values {
            do { try Shell.check(value, field: field) } catch { throw ValidationError(error.description) }
        }
    }

    /// The job's interpreter, variables and setup file, paths made absolute.
    var jobEnvironment: VerlLaunch.JobEnvironment {
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let pairs = variables.map { v -> (name: String, value: String) in
            let eq = v.firstIndex(of: "=")!
            return (String(v[..<eq]), String(v[v.index(after: eq)...]))
        }
        return VerlLaunch.JobEnvironment(python: python.contains("/") ? absolute(python) : python, variables: pairs, setup: setup.map(absolute))
    }

    mutating func run() throws {
        let preset = VerlPreset.named(self.preset)!
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        let runName = name ?? URL(fileURLWithPath: directory).lastPathComponent
        let binary = URL(fileURLWithPath: grader ?? Launch.currentBinary).standardizedFileURL.path
        let extra = settings.compactMap(HydraOverride.parse)
        let launch = VerlLaunch(directory: directory, runName: runName, preset: preset, binary: binary,
                                verlVersion: VerlVersion(argument: verlVersion)!, job: jobEnvironment, extra: extra)
        for o in extra where !VerlLaunch.checkedKeys.contains(o.key) {
            printError("note: \(o.key) is not among the keys OneShotKit checked against verl; verl will say if it does not exist")
        }
        if dryRun {
            let lines = launch.environment.map { "\($0.name)=\(Shell.quote($0.value))" } + [Shell.command(Array(launch.command.prefix(3)))]
                + launch.command.dropFirst(3).map(Shell.quote)
            print(lines.enumerated().map { i, line in (i == 0 ? "" : "  ") + line + (i < lines.count - 1 ? " \\" : "") }.joined(separator: "\n"))
            return
        }
        let store = try options.open()
        if try store.run(named: runName) != nil {
            throw VerlReadError("a run named '\(runName)' exists already; choose another --name (or send it again: oneshot submit \(Shell.quote(runName)))")
        }
        let chosen: [ExampleRecord], datasetID: Int64?
        if let dataset {
            let record = try store.datasets(named: [dataset])[0]
            chosen = try store.examples(datasetIDs: [record.id])
            datasetID = record.id
        } else {
            chosen = try ExamplePicker(rankingRun: rankingRun, pi: pi, examples: examples, random: nil, dataset: nil, ranking: ranking).choose(store)
            datasetID = chosen.first?.datasetID
        }
        guard !chosen.isEmpty else { throw ValidationError("no examples to train on") }
        let batch = launch.overrides.int("data.train_batch_size") ?? 128
        let trainRows = dataset == nil ? VerlRows.repeated(chosen, to: batch) : chosen.map(VerlRows.row)
        let catalog = BenchmarkCatalog.locate() ?? BenchmarkCatalog(directory: "datasets/benchmarks")
        var validationRows: [JSONObject] = [], validationSizes = JSONObject()
        for benchmark in validation {
            let record = try catalog.dataset(benchmark, in: store)
            let items = try store.examples(datasetIDs: [record.id])
            validationSizes[benchmark] = .int(Int64(items.count))
            for e in items {
                var row = VerlRows.row(e)
                row["data_source"] = .string(benchmark)
                row["extra_info"] = .object(JSONObject(["index": .int(Int64(validationRows.count)), "split": .string("test")]))
                validationRows.append(row)
            }
        }
        var environment = JSONObject()
        for (name, value) in launch.environment { environment[name] = .string(value) }
        let config = JSONObject([
            "engine": .string("verl"), "preset": .string(preset.name), "run_dir": .string(directory), "grader": .string(binary),
            "validation": .array(validation.map(JSONValue.string)), "examples": .array(chosen.map { .int($0.id) }),
            "overrides": .array(launch.overrides.map { .string($0.argument) }),
            "environment": .object(environment), "verl_version": .string(launch.verlVersion.rawValue),
            "python": .string(launch.job.python), "setup": launch.job.setup.map(JSONValue.string) ?? .null,
        ])
        var manifest = config
        manifest["run"] = .string(runName)
        manifest["tool_version"] = .string(ToolInfo.version)
        manifest["train_rows"] = .int(Int64(trainRows.count))
        manifest["validation_sizes"] = .object(validationSizes)
        let files = try launch.write(trainRows: trainRows, validationRows: validationRows, manifest: manifest)
        var inputs = JSONObject()
        for f in files { inputs[f.path] = .string(f.sha256) }
        try store.startRun(NewRun(name: runName, engine: "verl", purpose: preset.isProbe ? .probe : .train, datasetID: datasetID,
                                  config: JSONValue.object(config).serialized, seed: nil, inputs: JSONValue.object(inputs).serialized),
                           examples: chosen.map(\.id))
        let run = try store.requireRun(named: runName)
        try store.setJobState(runID: run.id, .prepared)
        var submitted: String?
        if let submit {
            do {
                submitted = try VerlRuns(store: store).submit(run, to: try submission.target(submit)).message
            } catch {
                throw VerlReadError("run '\(runName)' is prepared and recorded in \(directory), but not submitted: \(error); "
                                    + "send it with: oneshot submit \(Shell.quote(runName)) --to \(submit.rawValue)")
            }
        }
        if options.json {
            printJSON(.object(JSONObject(["run": .string(runName), "run_dir": .string(directory), "train_rows": .int(Int64(trainRows.count)),
                                          "submitted": submitted.map(JSONValue.string) ?? .null,
                                          "validation_rows": .int(Int64(validationRows.count)), "script": .string(launch.script),
                                          "command": .array(launch.command.map(JSONValue.string))])))
        } else {
            print("verl run '\(runName)' (\(preset.name)) prepared in \(directory):")
            print("  data/train.parquet \(trainRows.count) rows (\(chosen.count) example(s)), data/validation.parquet \(validationRows.count) rows (\(validation.joined(separator: ", ")))")
            print("  reward.py (grader: \(binary)), launch.sh, manifest.json")
            if let submitted {
                print(submitted)
                print("follow it: oneshot follow \(Shell.quote(runName))")
            } else {
                print("start it: oneshot submit \(Shell.quote(runName)) --to local|ray|slurm    read results back: oneshot ingest \(Shell.quote(directory))")
            }
        }
    }

    /// The path of the running oneshot binary.
    static var currentBinary: String {
        Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
