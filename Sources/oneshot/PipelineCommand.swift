import ArgumentParser
import Foundation
import JSON
import Store
import Verl

/// `oneshot pipeline`: every stage of the 1-shot RLVR workflow in order, resumable, from one TOML config.
struct Pipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole workflow: data -> dedup -> decontaminate -> probe -> rank -> train -> eval -> report.",
        discussion: """
            Without CONFIG the embedded default runs: generated tasks, the built-in engine on the shipped base \
            policy, 1-shot π1 and π2, few-shot {π1, π2}, a random example and the full pool (pipelines/demo.toml \
            spells it out). Each stage is an ordinary oneshot command (--dry-run prints them); its output goes to \
            WORK/logs/STAGE.log and the pipeline prints one line per stage. A finished stage is recorded in the \
            store and skipped when the pipeline runs again; a killed training run resumes from its checkpoint; \
            --from STAGE forgets that stage and the later ones (their runs and checkpoints) and redoes them.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The pipeline's TOML config (default: the embedded default).")
    var config: String?

    @Option(help: "Redo from this stage: \(PipelineConfig.stageNames.joined(separator: ", ")).")
    var from: String?

    @Flag(help: "Print the commands each stage would run, and run nothing.")
    var dryRun = false

    func validate() throws {
        if let from, !PipelineConfig.stageNames.contains(from) {
            throw ValidationError("--from \(from): no such stage (\(PipelineConfig.stageNames.joined(separator: ", ")))")
        }
    }

    mutating func run() throws {
        let config = try self.config.map(PipelineConfig.init(file:)) ?? PipelineConfig()
        if self.config == nil { try config.check("the embedded default") }
        let plan = PipelinePlan(config: config, storePath: options.path)
        let stages = config.stages
        if dryRun {
            for stage in stages {
                print("# \(stage.name)")
                for command in plan.commands(stage.name) { print(Shell.command(["oneshot"] + command)) }
            }
            return
        }
        let store = try options.open()
        if let from {
            guard let start = stages.firstIndex(where: { $0.name == from }) else {
                throw ValidationError("--from \(from): this pipeline has no \(from) stage (\(stages.map(\.name).joined(separator: ", ")))")
            }
            let redo = stages[start...].map(\.name)
            try store.forgetStages(pipeline: config.name, redo)
            for stage in redo { try plan.undo(stage, store: store) }
        }
        let finished = Dictionary(try store.finishedStages(pipeline: config.name).map { ($0.stage, $0) }, uniquingKeysWith: { $1 })
        for folder in ["logs", "data", "runs"] {
            try FileManager.default.createDirectory(atPath: config.work + "/" + folder, withIntermediateDirectories: true)
        }
        let started = Date()
        var report: [JSONValue] = []
        func say(_ line: String) { if !options.json { print(line); fflush(nil) } }
        for (i, stage) in stages.enumerated() {
            let hash = PipelineConfig.hash(stage.config)
            let label = "[\(i + 1)/\(stages.count)] " + stage.name.padding(toLength: 13, withPad: " ", startingAt: 0)
            if let done = finished[stage.name] {
                guard done.configHash == hash else {
                    throw ValidationError("stage \(stage.name) finished earlier with another config; run with --from \(stage.name) to redo it and the stages after it")
                }
                say("\(label) done earlier: \(done.summary)")
                report.append(.object(JSONObject(["stage": .string(stage.name), "ran": .bool(false), "summary": .string(done.summary)])))
                continue
            }
            let log = "\(config.work)/logs/\(stage.name).log"
            let start = Date()
            do {
                let commands = plan.commands(stage.name)
                try StageLog.capture(to: log) {
                    var ran = 0
                    for (k, command) in commands.enumerated() where !(try plan.alreadyDone(command, store: store)) {
                        print("$ " + Shell.command(["oneshot"] + command))
                        // On a terminal: which command of the stage runs, the stage's rate and ETA (the command's own progress line follows).
                        if stderrIsTerminal && commands.count > 1 {
                            let elapsed = Date().timeIntervalSince(start)
                            let eta = ran > 0 ? String(format: ", %.0f s a command, ETA %.0f s", elapsed / Double(ran), elapsed / Double(ran) * Double(commands.count - k)) : ""
                            printError("\(label) \(k + 1)/\(commands.count)\(eta): \(command.prefix(3).joined(separator: " "))")
                        }
                        ran += 1
                        var parsed = try Oneshot.parseAsRoot(command)
                        try parsed.run()
                    }
                }
            } catch {
                printError("\(label) failed after \(String(format: "%.0f", Date().timeIntervalSince(start))) s (log: \(log))")
                throw error
            }
            let summary = try plan.summary(stage.name, store: store)
            try store.recordStage(pipeline: config.name, stage: stage.name, configHash: hash, summary: summary)
            let seconds = Date().timeIntervalSince(start)
            say("\(label) \(summary) (\(String(format: "%.0f", seconds)) s)")
            report.append(.object(JSONObject(["stage": .string(stage.name), "ran": .bool(true), "summary": .string(summary), "seconds": .double(seconds)])))
        }
        if options.json {
            printJSON(.object(JSONObject(["pipeline": .string(config.name), "stages": .array(report),
                                          "seconds": .double(Date().timeIntervalSince(started)), "report": .string(config.report + "/index.html")])))
        } else {
            print(String(format: "pipeline '%@' done in %.0f s; report: %@/index.html", config.name, Date().timeIntervalSince(started), config.report))
        }
    }
}
