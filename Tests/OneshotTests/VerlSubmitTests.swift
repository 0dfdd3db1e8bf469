import Foundation
import Store
import Testing

/// Submitting verl runs: locally (with a stand-in for verl), and the Slurm script's cluster start-up.
extension CLITests {
    func stub(_ name: String, _ body: String, in dir: String) throws {
        let path = dir + "/" + name
        try ("#!/usr/bin/env bash\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// `--submit local` runs launch.sh detached; a stand-in `python3` plays verl (writes a rollout dump, the file
    /// logger's lines and a validation dump); `oneshot follow` ingests until the job ends and marks the run done.
    @Test func localSubmitAndFollowToTheEnd() throws {
        let dir = NSTemporaryDirectory() + "submit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        try stub("python3", #"""
            [ "$1 $2" = "-m verl.trainer.main_ppo" ] || { echo "not verl: $*" >&2; exit 3; }
            sleep 1
            for i in 1 2 3 4 5 6 7 8; do
              echo '{"input":"user: q","output":"\\boxed{1}","gts":"1","score":1.0,"step":1,"acc":1.0,"ex_index":"124","pred":"1","ex_source":"deepscaler"}' >> rollouts/1.jsonl
            done
            echo '{"step": 1, "data": {"critic/score/mean": 1.0, "actor/entropy": 0.5}}' >> "$VERL_FILE_LOGGER_PATH"
            echo '{"input":"user: 1+1","output":"\\boxed{2}","gts":"2","score":1.0,"step":1,"reward":1.0,"acc":1.0,"ex_index":"0","pred":"2","ex_source":"math500"}' > validation/1.jsonl
            echo "(TaskRunner pid=7) step:1 - critic/score/mean:np.float64(1.0)"
            """#, in: dir + "/bin")
        let env = ["PATH": dir + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let launch = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/run",
                              "--set", "trainer.total_epochs=1", "--submit", "local"], store: store, environment: env)
        #expect(launch.status == 0, "\(launch.stderr)")
        #expect(launch.stdout.contains("started on this machine") && FileManager.default.fileExists(atPath: dir + "/run/job.json"))
        let follow = try run(["follow", "run", "--interval", "0.3"], store: store)
        #expect(follow.status == 0, "\(follow.stderr)")
        let lines = follow.stdout.split(separator: "\n")
        #expect(lines.last?.contains("SUCCEEDED (launch.sh exited with status 0); step 1, reward 1.000, 1 accuracy points, 1 evaluations") == true,
                "\(follow.stdout)")
        let s = try Store(path: store)
        let record = try s.requireRun(named: "run")
        #expect(record.status == .done)
        #expect(try s.histories(runID: record.id).first?.points.map(\.correct) == [8])
        #expect(try String(contentsOfFile: dir + "/run/logs/console.log", encoding: .utf8).contains("step:1"))
        let runs = try run(["runs", "--json"], store: store)
        #expect(runs.stdout.contains(#""name":"run""#) && runs.stdout.contains(#""status":"done""#))
    }

    /// job.sbatch on three nodes, with Slurm, Ray and srun stood in: a head on the first node, one worker per other
    /// node (not one worker for the whole list), then launch.sh on the head with RAY_ADDRESS set.
    @Test func slurmScriptStartsOneRayNodePerHost() throws {
        let dir = NSTemporaryDirectory() + "slurm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        let out = dir + "/run $(x)"
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", out,
                         "--set", "trainer.nnodes=3", "--submit", "slurm"], store: store).status == 0)
        let batch = try String(contentsOfFile: out + "/job.sbatch", encoding: .utf8)
        #expect(batch.contains("#SBATCH --nodes=3") && batch.contains("#SBATCH --gpus-per-node=8"))
        let log = dir + "/calls.log"
        try stub("scontrol", "printf 'node1\\nnode2\\nnode3\\n'", in: dir + "/bin")
        try stub("srun", "echo \"srun $* RAY_ADDRESS=${RAY_ADDRESS:-}\" >> \(Shell(log)); case \"$*\" in *hostname*) echo '10.0.0.1 fe80::1';; esac", in: dir + "/bin")
        try stub("sleep", "true", in: dir + "/bin")
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [out + "/job.sbatch"]
        bash.environment = ["PATH": dir + "/bin:/usr/bin:/bin", "SLURM_JOB_NODELIST": "node[1-3]", "SLURM_CPUS_PER_TASK": "16"]
        try bash.run()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(calls.contains { $0.contains("-w node1 ray start --head --node-ip-address=10.0.0.1 --port=6379 --num-cpus=16 --num-gpus=8") })
        for node in ["node2", "node3"] {
            #expect(calls.contains { $0.contains("-w \(node) ray start --address=10.0.0.1:6379") }, "\(calls)")
        }
        #expect(calls.last == "srun --overlap --nodes=1 --ntasks=1 -w node1 bash \(out)/launch.sh RAY_ADDRESS=10.0.0.1:6379")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x"))
    }
}

/// A path single-quoted for a stub script.
private func Shell(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }
