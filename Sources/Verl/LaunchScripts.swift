/// The scripts of a run folder: launch.sh (the job itself, run on this machine, as a Ray job's entrypoint, or
/// on a Slurm job's head node) and job.sbatch (a Ray cluster over the Slurm job's nodes, then launch.sh).
/// Every value from outside is quoted by ``Shell``; comments show it through ``Shell/comment(_:)``.
extension VerlLaunch {
    /// Lines that source the setup file once per shell and export the job's variables.
    var environmentLines: [String] {
        var lines: [String] = []
        if let setup = job.setup {
            lines.append("if [ -z \"${ONESHOT_SETUP_DONE:-}\" ]; then source \(Shell.quote(setup)); export ONESHOT_SETUP_DONE=1; fi")
        }
        for (name, value) in environment { lines.append("export \(name)=\(Shell.quote(value))") }
        lines.append("python=\(Shell.quote(job.python))")
        return lines
    }

    /// A bash script that runs the job. It records its process group (for `oneshot stop`) and how it ended
    /// (`exit N`, or `signal NAME` when stopped), checks that the interpreter has the verl series the folder was
    /// prepared for, and keeps the console output in logs/console.log.
    public var localScript: String {
        let series = verlVersion.series
        var lines = ["#!/usr/bin/env bash",
                     "# verl run '\(Shell.comment(runName))', preset \(preset.name), for verl \(series)x; written by oneshot launch.",
                     "set -euo pipefail", "cd \(Shell.quote(directory))"]
        lines += environmentLines
        lines += [
            "exit_code_file=\(Shell.quote(exitCodeFile))",
            "rm -f \"$exit_code_file\"",
            "echo $$ > \(Shell.quote(processGroupFile))",
            "child=''",
            // A signal ends the whole job (verl, Ray's driver, tee) and is recorded as such, never as exit 0.
            "stopped() { trap - EXIT; trap '' TERM INT HUP; echo \"signal $1\" > \"$exit_code_file\"; kill -s \"$1\" 0 2>/dev/null || true; exit \"$2\"; }",
            "trap 'stopped TERM 143' TERM; trap 'stopped INT 130' INT; trap 'stopped HUP 129' HUP",
            "trap 'echo \"exit $?\" > \"$exit_code_file\"' EXIT",
            "if ! verl_version=$(\"$python\" -c 'import verl; print(verl.__version__)' 2> logs/verl-import.err); then",
            "  echo \"oneshot: $python cannot import verl: $(tail -n 1 logs/verl-import.err) (choose the interpreter with oneshot launch --python)\" >&2; exit 3",
            "fi",
            "case \"$verl_version\" in",
            "  \(series)*) ;;",
            "  *) echo \"oneshot: this run was prepared for verl \(series)x but $python has verl $verl_version;" +
                " prepare it again with oneshot launch --verl-version $verl_version (supported: \(VerlVersion.allCases.map(\.rawValue).joined(separator: ", ")))\" >&2; exit 3;;",
            "esac",
            // verl's file logger truncates its file when a run restarts: keep the earlier attempt's lines beside it.
            "if [ -s \(Shell.quote(metricsLog)) ]; then mv \(Shell.quote(metricsLog)) \(Shell.quote(directory + "/logs/metrics")).\"$(date +%s)\".jsonl; fi",
            "\"$python\" " + Shell.command(Array(command.dropFirst())) + " > >(tee -a \(Shell.quote(consoleLog))) 2>&1 &",
            "child=$!",
            "wait \"$child\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// An sbatch script for the run's nodes and GPUs (trainer.nnodes, trainer.n_gpus_per_node): the setup file
    /// and the job's variables first, so every `ray start` has them; a Ray head on the first node, one worker per
    /// other node (the upstream example quoted the node list into one element); a wait until `ray status`
    /// answers (not a fixed sleep); then launch.sh on the head with RAY_ADDRESS pointing at the cluster.
    /// ONESHOT_RAY_HEAD_IP chooses the head's address where a node has several; ONESHOT_RAY_WAIT the seconds
    /// to wait for the cluster (default 300).
    public var slurmBatch: String {
        let nodes = overrides.int("trainer.nnodes") ?? 1, gpus = overrides.int("trainer.n_gpus_per_node") ?? 8
        let jobName = String(runName.unicodeScalars.map { Shell.isPlain($0) && !"./=:,@%+".unicodeScalars.contains($0) ? Character($0) : "_" }
            .prefix(60))
        var lines = ["#!/bin/bash", "#SBATCH --job-name=oneshot-\(jobName)", "#SBATCH --nodes=\(nodes)", "#SBATCH --ntasks-per-node=1"]
        if gpus > 0 { lines.append("#SBATCH --gpus-per-node=\(gpus)") }
        lines += ["#SBATCH --exclusive",
                  "# Written by oneshot launch for verl run '\(Shell.comment(runName))'. Submit with `oneshot submit RUN`",
                  "# (or: sbatch --output=LOG job.sbatch).",
                  "set -euo pipefail"]
        lines += environmentLines
        lines += [
            // Ray's command line from the job's interpreter, whichever `ray` PATH has.
            "ray() { \"$python\" -m ray.scripts.scripts \"$@\"; }",
            "nodes=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\")",
            "nodes_array=($nodes)",
            "head_node=${nodes_array[0]}",
            "head_ip=${ONESHOT_RAY_HEAD_IP:-$(srun --nodes=1 --ntasks=1 -w \"$head_node\" hostname --ip-address | tr ' ' '\\n' | grep -m1 -E '^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$')}",
            "port=${ONESHOT_RAY_PORT:-6379}",
            "cpus=${SLURM_CPUS_PER_TASK:-$(nproc)}",
            "srun --nodes=1 --ntasks=1 -w \"$head_node\" \"$python\" -m ray.scripts.scripts \\",
            "  start --head --node-ip-address=\"$head_ip\" --port=\"$port\" --num-cpus=\"$cpus\" --num-gpus=\(gpus) --block &",
            "waited=0",
            "until ray status --address=\"$head_ip:$port\" > /dev/null 2>&1; do",
            "  if [ \"$waited\" -ge \"${ONESHOT_RAY_WAIT:-300}\" ]; then echo \"oneshot: the Ray head on $head_node ($head_ip:$port) did not come up within ${waited}s\" >&2; exit 4; fi",
            "  sleep 2; waited=$((waited + 2))",
            "done",
            "for ((i = 1; i < ${#nodes_array[@]}; i++)); do",
            "  srun --nodes=1 --ntasks=1 -w \"${nodes_array[$i]}\" \"$python\" -m ray.scripts.scripts \\",
            "    start --address=\"$head_ip:$port\" --num-cpus=\"$cpus\" --num-gpus=\(gpus) --block &",
            "done",
            "export RAY_ADDRESS=\"$head_ip:$port\"",
            "status=0",
            "srun --overlap --nodes=1 --ntasks=1 -w \"$head_node\" bash \(Shell.quote(script)) || status=$?",
            "ray stop --force > /dev/null 2>&1 || true",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
