import ArgumentParser
import Store

/// `oneshot`: the data side of RLVR on math, over one SQLite store.
@main
struct Oneshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Curate math data for RLVR: import, deduplicate, decontaminate, inspect.",
        discussion: """
            Everything lives in one SQLite store (--store, default oneshot.db or $ONESHOT_STORE).
            Every command that does work takes --json for a machine-readable summary on stdout.
            """,
        version: ToolInfo.version,
        subcommands: [Import.self, Rejects.self, Dedup.self, Decontaminate.self, Stats.self, Show.self, Export.self,
                      Trajectories.self, Rank.self, Select.self, ParquetTools.self, Grade.self, Report.self, Synth.self, EngineCommand.self,
                      Probe.self, Train.self, Eval.self, Pipeline.self, Launch.self, Ingest.self, Follow.self, Runs.self]
    )
}
