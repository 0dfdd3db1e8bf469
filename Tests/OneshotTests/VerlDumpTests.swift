import Foundation
import Store
import Testing

/// Dumps written by verl's own writers, the V1 trainer's (verl 0.9.1, no reward fields) and RayPPOTrainer's
/// (verl 0.8.0, with the reward's ex_index), ingest into the same trajectories.
extension CLITests {
    static let verlWriters = venvImports("verl.trainer.ppo.ray_trainer, verl.trainer.ppo.v1.trainer_base", verl: "0.9.1")
        && venvImports("verl.trainer.ppo.ray_trainer", verl: "0.8.0")

    @Test(.enabled(if: verlWriters, "verl 0.9.1 and 0.8.0 are not in .venv (make test installs them; PyPI unreachable?)"))
    func bothTrainersDumpsIngestIntoTheSameTrajectories() throws {
        let dir = NSTemporaryDirectory() + "dumps-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        var histories: [[StoredHistory]] = []
        for (name, trainer, version) in [("v1", "v1", "0.9.1"), ("legacy", "legacy", "0.8.0")] {
            let out = dir + "/" + name
            #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1,2,13", "--out", out,
                             "--name", name], store: store).status == 0)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.venvPython)
            p.arguments = [Self.root.appendingPathComponent("Tests/VerlTests/Fixtures/write_dumps.py").path, out, trainer]
            p.environment = ["PYTHONPATH": Self.root.appendingPathComponent(".venv/verl-\(version)").path, "PATH": "/usr/bin:/bin",
                             "PYTHONWARNINGS": "ignore"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            let ingest = try run(["ingest", out, "--json"], store: store)
            #expect(ingest.status == 0 && ingest.json["points"] as? Int == 6 && ingest.json["rejected_rollout_lines"] as? Int == 0,
                    "\(ingest.stdout) \(ingest.stderr)")
            #expect(ingest.json["matched_by_prompt"] as? Int == (trainer == "v1" ? 24 : 0))
            let s = try Store(path: store)
            histories.append(try s.histories(runID: try s.requireRun(named: name).id))
        }
        #expect(histories[0].count == 3 && histories[0] == histories[1])
        #expect(histories[0].allSatisfy { $0.points.map(\.correct) == [2, 3] && $0.points.map(\.sampled) == [4, 4] })
    }
}
