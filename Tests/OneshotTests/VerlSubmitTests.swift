import Foundation
import Store
import Testing

/// Submitting verl runs on this machine (the job's Python stood in by a script: the process lifecycle is what
/// is tested here; RealRayTests and RealSlurmTests run verl's own code on real clusters), and the Slurm
/// script's start-up over several nodes.
extension CLITests {
    func stub(_ name: String, _ body: String, in dir: String) throws {
        let path = dir + "/" + name
        try ("#!/usr/bin/env bash\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// A stand-in `python3`: answers the version check with `version`, and as `-m verl.trainer.main_ppo` runs `body`.
    func standInPython(_ body: String, version: String = "0.9.1", in dir: String) throws {
        try stub("python3", """
            if [ "$1" = -c ]; then echo \(version); exit 0; fi
            [ "$1 $2" = "-m verl.trainer.main_ppo" ] || { echo "not verl: $*" >&2; exit 3; }
            \(body)
            """, in: dir)
    }

    func pathEnvironment(_ dir: String) -> [String: String] {
        ["PATH": dir + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// `--submit local` runs launch.sh detached; the stand-in writes a rollout dump, the file logger's lines and a
    /// validation dump; `follow` sees the job running (not the wrapper's exit), ingests until it ends, exits 0.
    @Test func localSubmitAndFollowToTheEnd() throws {
        let dir = NSTemporaryDirectory() + "submit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        try standInPython(#"""
            sleep 2
            for i in 1 2 3 4 5 6 7 8; do
              echo '{"input":"user: q","output":"\\boxed{1}","gts":"1","score":1.0,"step":1,"acc":1.0,"ex_index":"124","pred":"1","ex_source":"deepscaler"}' >> rollouts/1.jsonl
            done
            echo '{"step": 1, "data": {"critic/score/mean": 1.0, "actor/entropy": 0.5}}' >> "$VERL_FILE_LOGGER_PATH"
            echo '{"input":"user: 1+1","output":"\\boxed{2}","gts":"2","score":1.0,"step":1,"reward":1.0,"acc":1.0,"ex_index":"0","pred":"2","ex_source":"math500"}' > validation/1.jsonl
            echo "(TaskRunner pid=7) step:1 - critic/score/mean:np.float64(1.0)"
            """#, in: dir + "/bin")
        let launch = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/run",
                              "--set", "trainer.total_epochs=1", "--submit", "local"], store: store, environment: pathEnvironment(dir))
        #expect(launch.status == 0, "\(launch.stderr)")
        #expect(launch.stdout.contains("started on this machine") && FileManager.default.fileExists(atPath: dir + "/run/job.json"))
        let first = try run(["follow", "run", "--once"], store: store)
        #expect(first.status == 0 && first.stdout.contains("run: running (process group"), "\(first.stdout)")
        let follow = try run(["follow", "run", "--interval", "0.3"], store: store)
        #expect(follow.status == 0, "\(follow.stderr)")
        #expect(follow.stdout.split(separator: "\n").last?.contains(
            "succeeded (launch.sh exited with status 0); step 1, reward 1.000, 1 accuracy points, 1 evaluations") == true, "\(follow.stdout)")
        let s = try Store(path: store)
        let record = try s.requireRun(named: "run")
        #expect(record.status == .done && record.jobState == .succeeded)
        #expect(try s.histories(runID: record.id).first?.points.map(\.correct) == [8])
        #expect(try String(contentsOfFile: dir + "/run/logs/console.log", encoding: .utf8).contains("step:1"))
        let runs = try run(["runs", "--json"], store: store)
        #expect(runs.stdout.contains(#""name":"run""#) && runs.stdout.contains(#""status":"succeeded""#))
        let again = try run(["submit", "run", "--to", "local"], store: store, environment: pathEnvironment(dir))
        #expect(again.status == 0, "a succeeded run can be sent again: \(again.stderr)")
        #expect(try run(["follow", "run", "--interval", "0.3"], store: store).status == 0)
    }

    /// `oneshot stop` ends a running local job's whole process group; it is recorded stopped, never succeeded,
    /// and follow exits non-zero. A job that fails is failed, and so is follow's status; then it can be resubmitted.
    @Test func localStopFailAndResubmit() throws {
        let dir = NSTemporaryDirectory() + "stop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        try standInPython(#"if [ -f fail ]; then echo boom >&2; exit 7; fi; sleep 300 & wait"#, in: dir + "/bin")
        let launch = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/run",
                              "--submit", "local"], store: store, environment: pathEnvironment(dir))
        #expect(launch.status == 0, "\(launch.stderr)")
        let running = try run(["follow", "run", "--once"], store: store)
        #expect(running.stdout.contains("running"), "\(running.stdout)")
        let pgid = try #require(Int32(try String(contentsOfFile: dir + "/run/logs/job.pgid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let busy = try run(["submit", "run", "--to", "local"], store: store, environment: pathEnvironment(dir))
        #expect(busy.status != 0 && busy.stderr.contains("running already"), "\(busy.stderr)")
        let stop = try run(["stop", "run"], store: store)
        #expect(stop.status == 0 && stop.stdout.contains("SIGTERM"), "\(stop.stderr)")
        let follow = try run(["follow", "run", "--interval", "0.2"], store: store)
        #expect(follow.status != 0 && follow.stdout.contains("stopped (launch.sh was stopped by SIGTERM)"), "\(follow.stdout)")
        #expect(try Store(path: store).requireRun(named: "run").jobState == .stopped)
        let deadline = Date().addingTimeInterval(10)
        while kill(-pgid, 0) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(kill(-pgid, 0) != 0, "a process of the job outlived the stop")

        FileManager.default.createFile(atPath: dir + "/run/fail", contents: nil)
        let resubmit = try run(["submit", "run", "--to", "local"], store: store, environment: pathEnvironment(dir))
        #expect(resubmit.status == 0, "\(resubmit.stderr)")
        let failed = try run(["follow", "run", "--interval", "0.2"], store: store)
        #expect(failed.status != 0 && failed.stdout.contains("failed (launch.sh exited with status 7)"), "\(failed.stdout)")
        #expect(try Store(path: store).requireRun(named: "run").status == .failed)
    }

    /// launch.sh refuses an interpreter whose verl is not the series the folder was prepared for, and says how to
    /// fix it; a run named with CR LF cannot smuggle a command into launch.sh.
    @Test func versionMismatchAndControlCharactersInNames() throws {
        let dir = NSTemporaryDirectory() + "mismatch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        try standInPython("echo ran > ran", version: "0.8.0", in: dir + "/bin")
        let out = dir + "/runs/crlf\r\ntouch PWNED #"
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", out, "--name", "mm"],
                        store: store).status == 0)
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [out + "/launch.sh"]
        bash.currentDirectoryURL = URL(fileURLWithPath: dir)
        bash.environment = pathEnvironment(dir)
        let err = Pipe()
        bash.standardError = err
        try bash.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 3)
        #expect(message.contains("prepared for verl 0.9.x but python3 has verl 0.8.0") && message.contains("--verl-version 0.8.0"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out + "/ran"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/PWNED") && !FileManager.default.fileExists(atPath: out + "/PWNED"))
        #expect(try String(contentsOfFile: out + "/logs/exit-code", encoding: .utf8) == "exit 3\n")
    }

    /// Mistakes found before anything is recorded, and failures after it, each a plain message without the usage text.
    @Test func submissionErrorsAreMessages() throws {
        let dir = NSTemporaryDirectory() + "errors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        for address in ["https://head:8265", "ray://head:10001", "head:8265"] {
            let bad = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/r",
                               "--submit", "ray", "--address", address], store: store)
            #expect(bad.status != 0 && !FileManager.default.fileExists(atPath: dir + "/r"), "\(address): \(bad.stderr)")
        }
        #expect(try Store(path: store).run(named: "r") == nil)
        // Nobody listens on this port: the run is prepared, stays prepared (not 'running'), and can be submitted later.
        let down = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/r",
                            "--submit", "ray", "--address", "http://127.0.0.1:9"], store: store)
        #expect(down.status != 0 && down.stderr.contains("prepared and recorded") && down.stderr.contains("cannot reach Ray"), "\(down.stderr)")
        #expect(!down.stderr.contains("Usage:") && down.stderr.contains("oneshot submit r --to ray"))
        #expect(try Store(path: store).requireRun(named: "r").jobState == .prepared)
        let runs = try run(["runs"], store: store)
        #expect(runs.stdout.contains("prepared"), "\(runs.stdout)")
        let envBad = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/e",
                              "--env", "1X=y"], store: store)
        #expect(envBad.status != 0 && envBad.stderr.contains("--env 1X=y"))
    }

    /// job.sbatch on three nodes, with Slurm and srun stood in: the setup file and the job's variables before
    /// the head starts, a head on the first node, a wait until `ray status` answers, one worker per other node,
    /// then launch.sh on the head with RAY_ADDRESS set.
    @Test func slurmScriptStartsOneRayNodePerHost() throws {
        let dir = NSTemporaryDirectory() + "slurm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        let out = dir + "/run $(x)"
        let log = dir + "/calls.log"
        try "export FROM_SETUP=yes\n".write(toFile: dir + "/setup.sh", atomically: true, encoding: .utf8)
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", out,
                         "--set", "trainer.nnodes=3", "--setup", dir + "/setup.sh", "--env", "HF_HOME=/shared/hf"], store: store).status == 0)
        let batch = try String(contentsOfFile: out + "/job.sbatch", encoding: .utf8)
        #expect(batch.contains("#SBATCH --nodes=3") && batch.contains("#SBATCH --gpus-per-node=8"))
        try stub("scontrol", "printf 'node1\\nnode2\\nnode3\\n'", in: dir + "/bin")
        try stub("srun", "echo \"srun $* RAY_ADDRESS=${RAY_ADDRESS:-} LOGGER=${VERL_FILE_LOGGER_PATH:-} HF=${HF_HOME:-} SETUP=${FROM_SETUP:-}\" >> \(Shell(log)); "
                 + "case \"$*\" in *hostname*) echo '10.0.0.1 fe80::1';; esac", in: dir + "/bin")
        try stub("python3", "echo \"python3 $*\" >> \(Shell(log)); [ \"$3\" != status ] || [ -f \(Shell(dir + "/up")) ] || { touch \(Shell(dir + "/up")); exit 1; }",
                 in: dir + "/bin")
        try stub("sleep", "true", in: dir + "/bin")
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [out + "/job.sbatch"]
        bash.environment = ["PATH": dir + "/bin:/usr/bin:/bin", "SLURM_JOB_NODELIST": "node[1-3]", "SLURM_CPUS_PER_TASK": "16"]
        try bash.run()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let head = calls.firstIndex { $0.contains("-w node1 python3 -m ray.scripts.scripts start --head --node-ip-address=10.0.0.1 --port=6379 --num-cpus=16 --num-gpus=8") }
        #expect(head != nil, "\(calls)")
        #expect(calls[head!].contains("LOGGER=\(out)/logs/metrics.jsonl HF=/shared/hf SETUP=yes"), "the head must start with the job's environment")
        let statuses = calls.indices.filter { calls[$0].hasPrefix("python3 -m ray.scripts.scripts status --address=10.0.0.1:6379") }
        #expect(statuses.count == 2, "waits by asking the head, until it answers: \(calls)")
        for node in ["node2", "node3"] {
            let worker = calls.firstIndex { $0.contains("-w \(node) python3 -m ray.scripts.scripts start --address=10.0.0.1:6379") }
            #expect(worker != nil && worker! > statuses.last!, "\(calls)")
        }
        #expect(calls.contains("srun --overlap --nodes=1 --ntasks=1 -w node1 bash \(out)/launch.sh RAY_ADDRESS=10.0.0.1:6379 "
                               + "LOGGER=\(out)/logs/metrics.jsonl HF=/shared/hf SETUP=yes"), "\(calls)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x"))
    }
}

/// A path single-quoted for a stub script.
private func Shell(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }
