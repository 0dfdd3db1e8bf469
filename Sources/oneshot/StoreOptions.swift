import ArgumentParser
import Foundation
import Store

/// Options every command that works on the store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (default: $ONESHOT_STORE, else oneshot.db).")
    var store: String?

    @Flag(name: .long, help: "Print a machine-readable JSON summary on stdout.")
    var json = false

    var path: String { store ?? Store.defaultPath() }

    func open() throws -> Store {
        do {
            return try Store(path: path)
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
    }
}
