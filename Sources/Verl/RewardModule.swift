import JSON

/// The Python reward module verl loads (`custom_reward_function.path`, `.name=compute_score`). Its verdicts
/// come from OneShotKit's grader: the module keeps one `oneshot grade --serve` process per Python process
/// (each Ray reward worker) and asks it line by line, so every engine shares one reward definition.
///
/// It returns what verl's dumps need to carry the example's identity: float `score` and `acc`, string `pred`
/// (enables maj@k in validation), string `ex_index` (the row's `extra_info.index`) and string `ex_source`.
/// Only floats and strings: numpy ints and bools crash verl's JSON dump.
public enum RewardModule {
    /// The module's source for a grader binary at `binary` (an absolute path every node can read).
    public static func source(binary: String, requireBox: Bool) -> String {
        // A JSON string literal is also a valid Python string literal: the path stays inert whatever it holds.
        let binaryLiteral = JSONValue.string(binary).serialized
        return """
            # OneShotKit reward for verl, written by `oneshot launch`. Do not edit: relaunch to change it.
            # Every verdict comes from the OneShotKit grader (`oneshot grade --serve`), the same 0/1 reward as the
            # built-in engine: the last \\boxed{} answer of the response against the ground truth.
            import json
            import subprocess
            import threading

            ONESHOT_BINARY = \(binaryLiteral)
            REQUIRE_BOX = \(requireBox ? "True" : "False")

            _lock = threading.Lock()
            _worker = None


            def _grader():
                global _worker
                if _worker is None or _worker.poll() is not None:
                    command = [ONESHOT_BINARY, "grade", "--serve"] + (["--require-box"] if REQUIRE_BOX else [])
                    _worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               text=True, encoding="utf-8", bufsize=1)
                return _worker


            def grade(ground_truth, response):
                \"\"\"(correct, extracted answer or None) from the OneShotKit grader.\"\"\"
                request = json.dumps({"gold": str(ground_truth), "response": str(response)}) + "\\n"
                with _lock:
                    worker = _grader()
                    worker.stdin.write(request)
                    worker.stdin.flush()
                    reply = worker.stdout.readline()
                if not reply:
                    raise RuntimeError("the OneShotKit grader (%s) stopped" % ONESHOT_BINARY)
                verdict = json.loads(reply)
                if "error" in verdict:
                    raise ValueError(verdict["error"])
                return bool(verdict["correct"]), verdict.get("pred")


            def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
                correct, pred = grade(ground_truth, solution_str)
                score = 1.0 if correct else 0.0
                index = (extra_info or {}).get("index", "")
                return {"score": score, "acc": score, "pred": pred or "", "ex_index": str(index), "ex_source": str(data_source)}

            """
    }
}
