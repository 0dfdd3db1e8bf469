import Foundation

/// A network namespace of the test's own, with only its loopback up: Ray and Slurm bind every interface
/// they find, so they run here, where nothing but 127.0.0.1 exists. Processes enter it with ``command``.
final class NetworkNamespace {
    /// Whether this machine lets the tests make one (root, unshare and nsenter present).
    static let available: Bool = {
        guard let ns = try? NetworkNamespace() else { return false }
        ns.close()
        return true
    }()

    private let holder: Process

    init() throws {
        holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        holder.arguments = ["--net", "--", "/bin/bash", "-c", "ip link set lo up && exec sleep 3600"]
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if !holder.isRunning { throw NSError(domain: "netns", code: 1) }
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(holder.processIdentifier)/ns/net"),
               let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net"), target != own,
               (try? String(contentsOfFile: "/proc/\(holder.processIdentifier)/comm", encoding: .utf8))?.hasPrefix("sleep") == true {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        close()
        throw NSError(domain: "netns", code: 2)
    }

    /// The prefix that runs a command inside the namespace.
    var command: [String] { ["/usr/bin/nsenter", "--net=/proc/\(holder.processIdentifier)/ns/net", "--"] }

    /// Runs `arguments` inside; its exit status and its output (stdout and stderr together).
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst()) + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ns-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        defer { try? FileManager.default.removeItem(at: out) }
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    /// Ends the namespace's holder (SIGKILL: the test runner may pass SIGTERM on ignored).
    func close() {
        if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
        holder.waitUntilExit()
    }

    deinit { close() }
}
