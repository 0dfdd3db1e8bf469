import ArgumentParser
import Verl

/// `oneshot stop RUN`: ends a verl run's job (SIGTERM to a local process group, Ray's stop, or scancel).
struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop a verl run's job; `oneshot follow` (or the next look) records it stopped.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The run's name.")
    var runName: String

    mutating func run() throws {
        let store = try options.open()
        let message = try VerlRuns(store: store).stop(try store.requireRun(named: runName))
        print("verl run '\(runName)': \(message)")
    }
}
