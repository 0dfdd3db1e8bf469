import Corpus
import Foundation
import JSON
import Parquet

/// A verl run prepared in its own folder: data files in verl's row schema, the reward module, the launch
/// script and a manifest. Every path in the command is absolute, because Ray workers run in a temporary
/// working directory.
public struct VerlLaunch {
    public let directory: String
    public let runName: String
    public let preset: VerlPreset
    public let binary: String
    public let requireBox: Bool
    /// The preset's overrides, then the run's paths and name, then the user's `--set` overrides.
    public private(set) var overrides: [HydraOverride]

    public var trainFile: String { directory + "/data/train.parquet" }
    public var validationFile: String { directory + "/data/validation.parquet" }
    public var rewardModule: String { directory + "/reward.py" }
    public var script: String { directory + "/launch.sh" }
    public var manifest: String { directory + "/manifest.json" }
    public var checkpoints: String { directory + "/checkpoints" }
    public var rolloutDumps: String { directory + "/rollouts" }
    public var validationDumps: String { directory + "/validation" }
    public var metricsLog: String { directory + "/logs/metrics.jsonl" }
    public var consoleLog: String { directory + "/logs/console.log" }

    /// `directory` must be absolute.
    public init(directory: String, runName: String, preset: VerlPreset, binary: String, requireBox: Bool = true, extra: [HydraOverride] = []) {
        precondition(directory.hasPrefix("/"), "the run folder must be an absolute path")
        self.directory = directory
        self.runName = runName
        self.preset = preset
        self.binary = binary
        self.requireBox = requireBox
        overrides = preset.overrides
        for (key, path) in VerlLaunch.folderKeys { overrides.set(key, .string(self[keyPath: path])) }
        overrides.set("trainer.experiment_name", .string(runName))
        for override in extra { overrides.set(override.key, override.value) }
    }

    /// The keys a launch points into the run folder.
    static var folderKeys: [(key: String, path: KeyPath<VerlLaunch, String>)] {
        [("data.train_files", \.trainFile), ("data.val_files", \.validationFile), ("custom_reward_function.path", \.rewardModule),
         ("trainer.default_local_dir", \.checkpoints), ("trainer.rollout_data_dir", \.rolloutDumps),
         ("trainer.validation_data_dir", \.validationDumps)]
    }

    /// Every key a launch sets without `--set`: the presets' and the run's own (each one checked against verl).
    public static let checkedKeys = Set(VerlPreset.all.flatMap { $0.overrides.map(\.key) } + folderKeys.map(\.key) + ["trainer.experiment_name"])

    /// The environment the job needs (verl's file logger writes the per-step metrics there).
    public var environment: [(name: String, value: String)] { [("VERL_FILE_LOGGER_PATH", metricsLog)] }

    /// `python3 -m verl.trainer.main_ppo` with every override, one argument each.
    public var command: [String] { ["python3", "-m", "verl.trainer.main_ppo"] + overrides.map(\.argument) }

    /// A bash script that runs the job on this machine, its console output kept in logs/console.log.
    public var localScript: String {
        var lines = ["#!/usr/bin/env bash", "# verl run '\(runName.filter { $0 != "\n" })', preset \(preset.name), written by oneshot launch.",
                     "set -euo pipefail", "cd \(Shell.quote(directory))"]
        for (name, value) in environment { lines.append("export \(name)=\(Shell.quote(value))") }
        // verl's file logger truncates its file when a run restarts: keep the earlier attempt's lines beside it.
        lines.append("if [ -s \(Shell.quote(metricsLog)) ]; then mv \(Shell.quote(metricsLog)) \(Shell.quote(directory + "/logs/metrics")).\"$(date +%s)\".jsonl; fi")
        // The exit status, for `oneshot follow` on a local run.
        lines.append("exit_code_file=\(Shell.quote(exitCodeFile))")
        lines.append("rm -f \"$exit_code_file\"; trap 'echo $? > \"$exit_code_file\"' EXIT")
        lines.append(Shell.command(command) + " 2>&1 | tee -a " + Shell.quote(consoleLog))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where launch.sh writes its exit status when it ends.
    public var exitCodeFile: String { directory + "/logs/exit-code" }
    public var slurmScript: String { directory + "/job.sbatch" }

    /// An sbatch script for the run's nodes and GPUs (trainer.nnodes, trainer.n_gpus_per_node): a Ray head on the
    /// first node, a worker on each other node (one array element per node: the upstream example quoted the
    /// list into one), then launch.sh on the head with RAY_ADDRESS pointing at the cluster.
    public var slurmBatch: String {
        let nodes = overrides.int("trainer.nnodes") ?? 1, gpus = overrides.int("trainer.n_gpus_per_node") ?? 8
        let jobName = String(runName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        return """
            #!/bin/bash
            #SBATCH --job-name=oneshot-\(jobName)
            #SBATCH --nodes=\(nodes)
            #SBATCH --ntasks-per-node=1
            #SBATCH --gpus-per-node=\(gpus)
            #SBATCH --exclusive
            # Written by oneshot launch for verl run '\(jobName)'. Submit with `oneshot launch --submit slurm --sbatch`
            # (or: sbatch --output=LOG job.sbatch).
            set -euo pipefail
            nodes=$(scontrol show hostnames "$SLURM_JOB_NODELIST")
            nodes_array=($nodes)
            head_node=${nodes_array[0]}
            head_ip=$(srun --nodes=1 --ntasks=1 -w "$head_node" hostname --ip-address | tr ' ' '\\n' | grep -m1 -E '^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$')
            port=6379
            cpus=${SLURM_CPUS_PER_TASK:-$(nproc)}
            srun --nodes=1 --ntasks=1 -w "$head_node" ray start --head --node-ip-address="$head_ip" --port="$port" \\
              --num-cpus="$cpus" --num-gpus=\(gpus) --block &
            sleep 10
            for ((i = 1; i < ${#nodes_array[@]}; i++)); do
              srun --nodes=1 --ntasks=1 -w "${nodes_array[$i]}" ray start --address="$head_ip:$port" \\
                --num-cpus="$cpus" --num-gpus=\(gpus) --block &
              sleep 5
            done
            export RAY_ADDRESS="$head_ip:$port"
            srun --overlap --nodes=1 --ntasks=1 -w "$head_node" bash \(Shell.quote(script))

            """
    }

    /// Writes the folder: data, reward module, script; returns each written file's sha256 by path.
    public func write(trainRows: [JSONObject], validationRows: [JSONObject], manifest: JSONObject) throws -> [(path: String, sha256: String)] {
        let fm = FileManager.default
        for folder in ["data", "logs", "rollouts", "validation", "checkpoints"] {
            try fm.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        for (path, rows) in [(trainFile, trainRows), (validationFile, validationRows)] {
            let writer = try ParquetWriter(path: path, fields: ParquetWriter.verlFields)
            for row in rows { try writer.write(.object(row)) }
            try writer.close()
        }
        try RewardModule.source(binary: binary, requireBox: requireBox).write(toFile: rewardModule, atomically: true, encoding: .utf8)
        try localScript.write(toFile: script, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try slurmBatch.write(toFile: slurmScript, atomically: true, encoding: .utf8)
        let written = try [trainFile, validationFile, rewardModule, script, slurmScript].map { path in
            (path, SHA256.hex(of: try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        var full = manifest
        var files = JSONObject()
        for (path, hash) in written { files[path] = .string(hash) }
        full["files"] = .object(files)
        try (JSONValue.object(full).serialized + "\n").write(toFile: self.manifest, atomically: true, encoding: .utf8)
        return written.map { (path: $0.0, sha256: $0.1) }
    }
}
