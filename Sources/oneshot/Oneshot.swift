import ArgumentParser
import Store

/// `oneshot`: the data side of RLVR on math, over one SQLite store.
@main
struct Oneshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The data side of 1-shot RLVR on math: curate, grade, probe, rank, train or launch on verl, evaluate, report.",
        discussion: """
            `oneshot pipeline` runs the whole workflow; each stage is one of the commands below.
            Everything lives in one SQLite store (--store, default oneshot.db or $ONESHOT_STORE).
            Every command that does work takes --json for a machine-readable summary on stdout.
            """,
        version: ToolInfo.version,
        subcommands: [Pipeline.self, Import.self, Rejects.self, Dedup.self, Decontaminate.self, Stats.self, Show.self, Export.self,
                      Trajectories.self, Rank.self, Select.self, ParquetTools.self, Grade.self, Report.self, Synth.self, EngineCommand.self,
                      Probe.self, Train.self, Eval.self, Launch.self, Submit.self, Stop.self, Ingest.self, Follow.self, Runs.self]
    )
}
