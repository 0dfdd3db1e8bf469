import Foundation
import JSON
import Store
import Testing

/// A real Ray head (ray[default] from the test venv) on 127.0.0.1, in a network namespace of the test's own,
/// with the job's Python stood in only for verl's GPU step (Tests/VerlTests/Fixtures/verl_standin.py: verl's
/// own config, `main`, `run_ppo`, reward loader, dump writers and file logger). submit -> follow -> ingest, a
/// failing job, stop, a head that goes away mid-follow, and a head with token auth.
extension CLITests {
    static let venvPython = root.appendingPathComponent(".venv/bin/python").path
    static let standIn = root.appendingPathComponent("Tests/VerlTests/Fixtures/standin-python").path
    static let rayAvailable = venvImports("ray, hydra, pyarrow, verl.trainer.main_ppo", verl: "0.9.1")

    /// Whether `modules` import in the test venv, with verl `version` on the path.
    static func venvImports(_ modules: String, verl version: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: venvPython)
        p.arguments = ["-c", "import " + modules]
        p.environment = ["PYTHONPATH": root.appendingPathComponent(".venv/verl-\(version)").path, "PATH": "/usr/bin:/bin"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Starts a head inside `ns` and waits until its dashboard answers HTTP (401 counts: it is up).
    func startRayHead(in ns: NetworkNamespace, home: String, token: String? = nil) throws {
        var env = ["HOME": home, "RAY_USAGE_STATS_ENABLED": "0"]
        if let token { env["RAY_AUTH_MODE"] = "token"; env["RAY_AUTH_TOKEN"] = token } else { env["RAY_AUTH_MODE"] = "disabled" }
        let started = try ns.run([Self.venvPython, "-m", "ray.scripts.scripts", "start", "--head", "--node-ip-address=127.0.0.1", "--port=6390",
                                  "--dashboard-host=127.0.0.1", "--dashboard-port=8299", "--num-cpus=4", "--disable-usage-stats"], environment: env)
        #expect(started.status == 0, "\(started.output.suffix(1500))")
        let probe = "import urllib.request, urllib.error, time\nfor _ in range(120):\n  try:\n    urllib.request.urlopen('http://127.0.0.1:8299/api/jobs/', timeout=2); break\n"
            + "  except urllib.error.HTTPError: break\n  except Exception: time.sleep(0.5)\nelse: raise SystemExit(1)\n"
        #expect(try ns.run([Self.venvPython, "-c", probe]).status == 0, "the dashboard did not come up")
    }

    func stopRayHead(in ns: NetworkNamespace, home: String) throws {
        try ns.run([Self.venvPython, "-m", "ray.scripts.scripts", "stop", "--force"], environment: ["HOME": home])
    }

    @Test(.enabled(if: NetworkNamespace.available, "no network namespace can be made here (needs root, unshare and nsenter)"),
          .enabled(if: rayAvailable, "ray, hydra or verl is not in .venv (make test installs them; PyPI unreachable?)"),
          .timeLimit(.minutes(10)))
    func realRayHeadRunsSubmitFollowIngestStop() throws {
        let dir = NSTemporaryDirectory() + "realray-\(UUID().uuidString)"
        let home = dir + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        let ns = try NetworkNamespace()
        defer { try? stopRayHead(in: ns, home: home); ns.close() }
        let env = ["HOME": home, "RAY_AUTH_TOKEN": "", "RAY_AUTH_TOKEN_PATH": ""]
        func launch(_ name: String, _ extra: [String] = []) throws -> CLITests.Output {
            try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1,13", "--out", dir + "/" + name,
                     "--python", Self.standIn, "--set", "trainer.total_training_steps=2", "--set", "actor_rollout_ref.rollout.n=4"] + extra,
                    store: store, environment: env, via: ns.command)
        }
        func follow(_ name: String, _ extra: [String] = []) throws -> CLITests.Output {
            try run(["follow", name, "--interval", "1"] + extra, store: store, environment: env, via: ns.command)
        }
        let address = ["--address", "http://127.0.0.1:8299"]
        try startRayHead(in: ns, home: home)

        // submit -> follow to the end -> the trajectories, metrics and evaluations verl's writers wrote.
        #expect(try launch("ok").status == 0)
        let submitted = try run(["submit", "ok", "--to", "ray"] + address, store: store, environment: env, via: ns.command)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let done = try follow("ok")
        #expect(done.status == 0 && done.stdout.contains("succeeded (Ray: SUCCEEDED"), "\(done.stdout)\n\(done.stderr)")
        let s = try Store(path: store)
        let ok = try s.requireRun(named: "ok")
        #expect(ok.jobState == .succeeded && ok.status == .done)
        let histories = try s.histories(runID: ok.id)
        #expect(histories.count == 2 && histories.allSatisfy { $0.points.map(\.correct) == [2, 2] && $0.points.map(\.sampled) == [4, 4] },
                "\(histories)")
        #expect(try s.stepMetrics(runID: ok.id).count == 2, "the file logger's metrics reached the run folder from the Ray worker")
        #expect(try String(contentsOfFile: dir + "/ok/logs/metrics.jsonl", encoding: .utf8).split(separator: "\n").count == 2)
        #expect(try s.evaluations(runID: ok.id).map(\.step).sorted() == [0, 2])
        #expect(try String(contentsOfFile: dir + "/ok/logs/ray-job.log", encoding: .utf8).contains("step:2 - critic/score/mean:0.5"))

        // A job that fails ends failed, and follow says so by its exit status.
        #expect(try launch("bad", ["--env", "ONESHOT_STANDIN_FAIL=1", "--submit", "ray"] + address).status == 0)
        let failed = try follow("bad")
        #expect(failed.status != 0 && failed.stdout.contains("failed (Ray: FAILED"), "\(failed.stdout)")
        #expect(try s.requireRun(named: "bad").jobState == .failed)

        // stop: Ray stops the job, and it is recorded stopped.
        #expect(try launch("slow", ["--env", "ONESHOT_STANDIN_SLEEP=60", "--submit", "ray"] + address).status == 0)
        let stop = try run(["stop", "slow"], store: store, environment: env, via: ns.command)
        #expect(stop.status == 0 && stop.stdout.contains("Ray is stopping job"), "\(stop.stderr)")
        let stopped = try follow("slow")
        #expect(stopped.status != 0 && stopped.stdout.contains("stopped (Ray: STOPPED"), "\(stopped.stdout)")

        // The head goes away mid-follow: asked again with backoff, then given up as lost, exit non-zero.
        #expect(try launch("gone", ["--env", "ONESHOT_STANDIN_SLEEP=60", "--submit", "ray"] + address).status == 0)
        try stopRayHead(in: ns, home: home)
        let started = Date()
        let lost = try follow("gone", ["--give-up-after", "6"])
        #expect(lost.status != 0 && lost.stderr.contains("recorded lost"), "\(lost.stdout)\n\(lost.stderr)")
        let goneState = try s.requireRun(named: "gone").jobState
        #expect(Date().timeIntervalSince(started) < 60 && goneState == .lost)

        // A head with token auth: without the token a clear 401, with --token-file the run goes through.
        try startRayHead(in: ns, home: home, token: "0123456789abcdef0123456789abcdef")
        try "0123456789abcdef0123456789abcdef\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        #expect(try launch("tok").status == 0)
        let refused = try run(["submit", "tok", "--to", "ray"] + address, store: store, environment: env, via: ns.command)
        #expect(refused.status != 0 && refused.stderr.contains("HTTP 401") && refused.stderr.contains("--token-file"), "\(refused.stderr)")
        #expect(try s.requireRun(named: "tok").jobState == .prepared)
        let withToken = try run(["submit", "tok", "--to", "ray", "--token-file", dir + "/token"] + address, store: store, environment: env,
                                via: ns.command)
        #expect(withToken.status == 0, "\(withToken.stderr)")
        let tokenDone = try follow("tok")
        let tokenState = try s.requireRun(named: "tok").jobState
        #expect(tokenDone.status == 0 && tokenState == .succeeded, "\(tokenDone.stdout)\n\(tokenDone.stderr)")
    }
}
