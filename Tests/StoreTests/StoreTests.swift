import CSQLite
import Foundation
import Testing
@testable import Store

@Suite struct StoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).db").path
    }

    @Test func freshStoreIsMigratedWithWALAndForeignKeys() throws {
        let store = try Store(path: temporaryPath())
        #expect(try Migrator.version(of: store.db) == Schema.migrator.latestVersion)
        #expect(try store.db.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try store.db.scalar("PRAGMA foreign_keys") == .integer(1))
        #expect(try store.db.scalar("PRAGMA page_size") == .integer(65536))
    }

    /// A store made with 4 KiB pages (before stores had 64 KiB ones) keeps them and opens as usual.
    @Test func storeWithSmallPagesKeepsThem() throws {
        let path = temporaryPath()
        do {
            var handle: OpaquePointer?
            sqlite3_open(path, &handle)
            sqlite3_exec(handle, "PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;", nil, nil, nil)
            sqlite3_close(handle)
        }
        let store = try Store(path: path)
        #expect(try store.db.scalar("PRAGMA page_size") == .integer(4096))
        #expect(try Migrator.version(of: store.db) == Schema.migrator.latestVersion)
    }

    @Test func olderStoreIsUpgraded() throws {
        let path = temporaryPath()
        do {
            let db = try Database(path: path)
            try Migrator(Array(Schema.migrations.prefix(0))).migrate(db)
            #expect(try Migrator.version(of: db) == 0)
        }
        let store = try Store(path: path)
        #expect(try Migrator.version(of: store.db) == Schema.migrator.latestVersion)
        #expect(try store.datasets().isEmpty)
    }

    @Test func newerStoreIsRefused() throws {
        let path = temporaryPath()
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA user_version = 999")
        }
        do {
            _ = try Store(path: path)
            Issue.record("a newer store must be refused")
        } catch let error as StoreError {
            #expect(error.message.contains("schema version 999, newer than this oneshot knows"))
        }
    }

    @Test func migrationsAreAppliedInOrderOnce() throws {
        let db = try Database(path: ":memory:")
        let migrator = Migrator([
            Migration(version: 1, name: "a", sql: "CREATE TABLE a (x)"),
            Migration(version: 2, name: "b", sql: "CREATE TABLE b (y)"),
        ])
        #expect(try migrator.migrate(db).map(\.version) == [1, 2])
        #expect(try migrator.migrate(db).isEmpty)
    }

    @Test func interruptedFileImportLeavesNothing() throws {
        struct Interrupted: Error {}
        let store = try Store(path: ":memory:")
        let dataset = try store.datasetCreatingIfNeeded(named: "d", role: .train)
        let info = SourceFileInfo(path: "/x.jsonl", format: "jsonl", schema: "math", sha256: "abc", bytes: 10)
        #expect(throws: Interrupted.self) {
            try store.importFile(into: dataset, file: info) { writer in
                try writer.add(ExampleDraft(position: 0, line: 1, sourceIndex: nil, problem: "p", answer: "1", solution: nil, normHash: "h"))
                throw Interrupted()
            }
        }
        #expect(try store.db.scalar("SELECT count(*) FROM examples") == .integer(0))
        #expect(try store.sourceFile(datasetID: dataset.id, sha256: "abc") == nil)
        // The same file then imports cleanly: the job resumes from where the file began.
        let counts = try store.importFile(into: dataset, file: info) { writer in
            try writer.add(ExampleDraft(position: 0, line: 1, sourceIndex: nil, problem: "p", answer: "1", solution: nil, normHash: "h"))
        }
        #expect(counts.imported == 1)
    }

    @Test func valuesAreBoundNotSpliced() throws {
        let store = try Store(path: ":memory:")
        let evil = "x'); DROP TABLE examples; --"
        _ = try store.datasetCreatingIfNeeded(named: evil, role: .train)
        #expect(try store.dataset(named: evil)?.name == evil)
        #expect(try store.db.scalar("SELECT count(*) FROM examples") == .integer(0))
    }

    @Test func defaultPathHonoursTheEnvironment() {
        #expect(Store.defaultPath(environment: [:]) == "oneshot.db")
        #expect(Store.defaultPath(environment: ["ONESHOT_STORE": "/tmp/s.db"]) == "/tmp/s.db")
    }
}
