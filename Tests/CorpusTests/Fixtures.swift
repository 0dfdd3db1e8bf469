import Foundation
@testable import Corpus
import Store

/// Paths to the package, its shipped data and the shared datasets beside the checkout.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    static let shipped = packageRoot.appendingPathComponent("datasets")

    static func sharedFile(_ relative: String) -> String { shared.appendingPathComponent(relative).path }
    static func shippedFile(_ relative: String) -> String { shipped.appendingPathComponent(relative).path }

    /// A fresh directory for one test.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("oneshot-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func write(_ text: String, name: String) -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try? Data(text.utf8).write(to: url)
        return url.path
    }

    static func write(bytes: [UInt8], name: String) -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try? Data(bytes).write(to: url)
        return url.path
    }

    /// An empty in-memory store.
    static func store() throws -> Store { try Store(path: ":memory:") }

    /// Imports a file into a fresh in-memory store and returns both, collecting reject messages.
    static func imported(_ path: String, options: ImportOptions = ImportOptions()) throws -> (Store, FileImportResult, [String]) {
        let store = try store()
        let importer = Importer(store: store)
        var messages: [String] = []
        importer.onReject = { messages.append($0) }
        let result = try importer.importFile(path, options: options)
        return (store, result, messages)
    }
}
