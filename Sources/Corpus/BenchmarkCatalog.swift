import Foundation
import Store

/// The benchmarks that ship in `datasets/benchmarks/`, imported into the store on first use.
public struct BenchmarkCatalog: Sendable {
    /// The six benchmarks the paper reports, plus GSM8K.
    public static let names = ["math500", "aime24", "aime25", "amc23", "minerva_math", "olympiadbench", "gsm8k"]
    /// The paper's six-benchmark set.
    public static let paperSix = Array(names.prefix(6))

    /// The folder holding the shipped benchmark files.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Finds the shipped `datasets/` folder: `$ONESHOT_DATA`, else next to the executable's package
    /// (walking up from the binary, as in a checkout), else the working directory.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> BenchmarkCatalog? {
        var candidates: [URL] = []
        if let data = environment["ONESHOT_DATA"], !data.isEmpty { candidates.append(URL(fileURLWithPath: data)) }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("datasets"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("datasets"))
        for c in candidates where FileManager.default.fileExists(atPath: c.appendingPathComponent("benchmarks/math500.jsonl").path) {
            return BenchmarkCatalog(directory: c.appendingPathComponent("benchmarks").path)
        }
        return nil
    }

    /// The path of a shipped benchmark file, if `name` is one.
    public func path(of name: String) -> String? {
        let path = (directory as NSString).appendingPathComponent("\(name).jsonl")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The dataset `name`: an imported dataset of that name, else the shipped benchmark imported now.
    public func dataset(_ name: String, in store: Store) throws -> DatasetRecord {
        if let existing = try store.dataset(named: name) { return existing }
        guard let path = path(of: name) else {
            let known = try store.datasets().map(\.name)
            throw StoreError("no dataset or shipped benchmark named '\(name)' (shipped: \(BenchmarkCatalog.names.joined(separator: ", ")); imported: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        _ = try Importer(store: store).importFile(path, options: ImportOptions(dataset: name, role: .benchmark))
        guard let imported = try store.dataset(named: name) else { throw StoreError("importing \(path) failed") }
        return imported
    }
}
