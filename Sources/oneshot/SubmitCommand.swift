import ArgumentParser
import Verl

/// `oneshot submit RUN --to local|ray|slurm`: a prepared run's first submission, or a failed, stopped or lost
/// run's next one.
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a prepared verl run (again, after it failed, was stopped or was lost).",
        discussion: """
            local runs RUN_DIR/launch.sh on this machine, detached; ray submits it to the Ray Jobs API at \
            --address (the run folder must be on storage the cluster shares); slurm calls sbatch on job.sbatch. \
            A run whose job is submitted or running is refused: stop it first. Follow it with `oneshot follow RUN`.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The run's name.")
    var runName: String

    @Option(help: "Where to run it: local, ray or slurm.")
    var to: SubmissionOptions.Kind

    @OptionGroup var submission: SubmissionOptions

    func validate() throws { _ = try submission.target(to) }

    mutating func run() throws {
        let store = try options.open()
        let record = try store.requireRun(named: runName)
        let (_, message) = try VerlRuns(store: store).submit(record, to: try submission.target(to))
        print("verl run '\(runName)': \(message)")
        print("follow it: oneshot follow \(Shell.quote(runName))")
    }
}
