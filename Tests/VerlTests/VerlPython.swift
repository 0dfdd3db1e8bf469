import Foundation

/// The test venv `make test` builds (.venv): Hydra, OmegaConf, Ray, torch's CPU build, and verl 0.9.1 and 0.8.0
/// in folders of their own (`.venv/verl-VERSION`, chosen by PYTHONPATH). Tests that need it are reported
/// skipped, with the reason, when it is missing.
enum VerlPython {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let versions = ["0.9.1", "0.8.0"]

    static func verlPath(_ version: String) -> String { root.appendingPathComponent(".venv/verl-\(version)").path }

    /// Whether `modules` import in the venv (with verl `version` on the path when given).
    static func imports(_ modules: String, verl version: String? = nil) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run(["-c", "import " + modules], verl: version))?.status == 0
    }

    static let hydra = imports("hydra, omegaconf")
    static let verl = versions.allSatisfy { imports("verl.trainer.ppo.reward, verl.trainer.ppo.ray_trainer", verl: $0) }
    static let verlV1 = imports("verl.trainer.ppo.v1.trainer_base", verl: "0.9.1")

    /// Runs the venv's python; stdout and stderr together, and the exit status.
    static func run(_ arguments: [String], verl version: String? = nil, input: String? = nil,
                    environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = version.map(verlPath)
        environment["PYTHONWARNINGS"] = "ignore"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try handle.close()
        defer { try? FileManager.default.removeItem(at: out) }
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
}
