import Corpus
import Foundation
import JSON
import Parquet

/// A verl run prepared in its own folder: data files in verl's row schema, the reward module, the launch
/// scripts and a manifest. Every path in the command is absolute, because Ray workers run in a temporary
/// working directory.
public struct VerlLaunch {
    /// How the job runs: the interpreter, what it adds to the environment, what each node sources first.
    public struct JobEnvironment: Sendable {
        /// The Python that runs verl (and, on Slurm, Ray): a path, or a name looked up on PATH.
        public var python: String
        /// Variables the job needs, exported in launch.sh and job.sbatch before Ray starts, and passed to
        /// verl's `ray.init` (its runtime_env) so that they reach the TaskRunner and every worker.
        public var variables: [(name: String, value: String)]
        /// A shell file sourced on every node before anything else (module loads, conda or venv activation).
        public var setup: String?

        public init(python: String = "python3", variables: [(name: String, value: String)] = [], setup: String? = nil) {
            self.python = python
            self.variables = variables
            self.setup = setup
        }

        /// Whether `name` can be an environment variable's name.
        public static func isValidName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) || ("a"..."z").contains(first)
            else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }

    public let directory: String
    public let runName: String
    public let preset: VerlPreset
    public let binary: String
    public let requireBox: Bool
    public let verlVersion: VerlVersion
    public let job: JobEnvironment
    /// The preset's overrides, then the run's paths, name and environment, then the user's `--set` overrides.
    public private(set) var overrides: [HydraOverride]

    public var trainFile: String { directory + "/data/train.parquet" }
    public var validationFile: String { directory + "/data/validation.parquet" }
    public var rewardModule: String { directory + "/reward.py" }
    public var script: String { folder.script }
    public var slurmScript: String { folder.slurmScript }
    public var manifest: String { directory + "/manifest.json" }
    public var checkpoints: String { directory + "/checkpoints" }
    public var rolloutDumps: String { directory + "/rollouts" }
    public var validationDumps: String { directory + "/validation" }
    public var metricsLog: String { directory + "/logs/metrics.jsonl" }
    public var consoleLog: String { directory + "/logs/console.log" }
    /// Where launch.sh writes how it ended: `exit N`, or `signal NAME` when it was stopped.
    public var exitCodeFile: String { folder.exitCodeFile }
    /// Where launch.sh writes its process group, which `oneshot stop` signals.
    public var processGroupFile: String { folder.processGroupFile }

    /// The files submitting, following and stopping use.
    public var folder: VerlRunFolder { VerlRunFolder(directory: directory, runName: runName) }

    /// `directory` must be absolute.
    public init(directory: String, runName: String, preset: VerlPreset, binary: String, requireBox: Bool = true,
                verlVersion: VerlVersion = .latest, job: JobEnvironment = JobEnvironment(), extra: [HydraOverride] = []) {
        precondition(directory.hasPrefix("/"), "the run folder must be an absolute path")
        self.directory = directory
        self.runName = runName
        self.preset = preset
        self.binary = binary
        self.requireBox = requireBox
        self.verlVersion = verlVersion
        self.job = job
        overrides = preset.overrides
        for (key, path) in VerlLaunch.folderKeys { overrides.set(key, .string(self[keyPath: path])) }
        overrides.set("trainer.experiment_name", .string(runName))
        for (name, value) in environment { overrides.set(VerlLaunch.runtimeEnvironmentKey + name, .string(value)) }
        if job.python.hasPrefix("/") { overrides.set("++ray_kwargs.ray_init.runtime_env.py_executable", .string(job.python)) }
        for override in extra { overrides.set(override.key, override.value) }
    }

    /// The keys a launch points into the run folder.
    static var folderKeys: [(key: String, path: KeyPath<VerlLaunch, String>)] {
        [("data.train_files", \.trainFile), ("data.val_files", \.validationFile), ("reward.custom_reward_function.path", \.rewardModule),
         ("trainer.default_local_dir", \.checkpoints), ("trainer.rollout_data_dir", \.rolloutDumps),
         ("trainer.validation_data_dir", \.validationDumps)]
    }

    /// verl passes `ray_kwargs.ray_init.runtime_env` to `ray.init`; its env_vars reach the TaskRunner and the
    /// workers, also when the driver joins a cluster that was started before (Slurm, or `--submit local`
    /// beside a running head). `++` adds the key where verl's config has none (0.8).
    static let runtimeEnvironmentKey = "++ray_kwargs.ray_init.runtime_env.env_vars."

    /// Every key a launch sets without `--set`: the presets' and the run's own (each one checked against verl).
    public static let checkedKeys = Set(VerlPreset.all.flatMap { $0.overrides.map(\.key) } + folderKeys.map(\.key) + ["trainer.experiment_name"])

    /// The environment the job needs: verl's file logger writes the per-step metrics to VERL_FILE_LOGGER_PATH;
    /// then the user's `--env` variables.
    public var environment: [(name: String, value: String)] {
        [("VERL_FILE_LOGGER_PATH", metricsLog)] + job.variables.filter { $0.name != "VERL_FILE_LOGGER_PATH" }
    }

    /// `PYTHON -m verl.trainer.main_ppo` with every override, one argument each.
    public var command: [String] { [job.python, "-m", "verl.trainer.main_ppo"] + overrides.map(\.argument) }

    /// Writes the folder: data, reward module, scripts; returns each written file's sha256 by path.
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
        full["verl_version"] = .string(verlVersion.rawValue)
        var files = JSONObject()
        for (path, hash) in written { files[path] = .string(hash) }
        full["files"] = .object(files)
        try (JSONValue.object(full).serialized + "\n").write(toFile: self.manifest, atomically: true, encoding: .utf8)
        return written.map { (path: $0.0, sha256: $0.1) }
    }
}
