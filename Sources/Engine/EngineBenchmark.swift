import Foundation

/// Timing entry points for `make bench`, in Float.
///
/// They live in this module on purpose: code that calls the generic model from another module runs it
/// unspecialised, through witness tables (about 100x slower); called with a concrete type here, the
/// optimiser specialises the whole model.
public enum EngineBenchmark {
    /// The PyTorch peer's configuration (Benchmarks/engine_peer.py): vocabulary 64, context 128, 4 layers, 128 channels.
    public static let config = GPTConfig(vocabSize: 64, maxSeqLen: 128, layers: 4, heads: 4, channels: 128)

    /// Seconds of each of `steps` AdamW training steps on random tokens (batch `B`, full context), after two
    /// warm-up steps.
    /// With `workers` > 1 the step runs on that many ``DataParallel`` workers (one BLAS thread each); with
    /// `blasThreads` > 1, on one worker with that many OpenBLAS threads (for comparison).
    /// With a `profile` (one worker), the model's operations are timed into it from the first timed step on.
    public static func trainingSteps(_ steps: Int, B: Int = 32, workers: Int = 1, blasThreads: Int = 1, profile: StepProfile? = nil) -> [Double] {
        let model = GPT<Float>(config: config, seed: 1)
        model.profile = profile
        BLASThreads.set(blasThreads)
        let parallel = DataParallel(model: model, workers: workers)
        var rng = SeededGenerator(seed: 2)
        let T = config.maxSeqLen
        let optimizer = AdamW(learningRate: 3e-4, weightDecay: 0.1)
        var times: [Double] = []
        for step in 0..<(steps + 2) {
            let tokens = (0..<(B * T)).map { _ in Int32(rng.uniform() * 64) }
            let targets = (0..<(B * T)).map { _ in Int32(rng.uniform() * 64) }
            if step == 2 { profile?.reset() }
            let start = Date()
            _ = Pretraining.gradients(parallel, tokens: tokens, targets: targets, B: B, T: T)
            _ = model.update(optimizer)
            if step >= 2 { times.append(Date().timeIntervalSince(start)) }
        }
        return times
    }

    /// Tokens generated and seconds taken by `rollouts` T=1 continuations (96 tokens, no EOS stop, KV cache) of
    /// random 32-token prompts, all rows advancing together as the PyTorch peer's batch does. The prompts are
    /// distinct, so the sampler cannot share their prefill: the same work as the peer's 64 replicated rows.
    public static func sampling(_ rollouts: Int) -> (tokens: Int, seconds: Double) {
        let model = GPT<Float>(config: config, seed: 1)
        let sampler = BatchSampler(model: model, capacity: rollouts)
        var rng = SeededGenerator(seed: 3)
        let prompts = (0..<rollouts).map { _ in (0..<32).map { _ in Int32(3 + rng.uniform() * 61) } }
        _ = sampler.generate(prompts: prompts, maxNewTokens: 96, temperature: 1, stop: nil, rng: &rng)   // warm-up, as the peer does
        let start = Date()
        let outputs = sampler.generate(prompts: prompts, maxNewTokens: 96, temperature: 1, stop: nil, rng: &rng)
        return (outputs.map(\.count).reduce(0, +), Date().timeIntervalSince(start))
    }

    /// The best rate, in GFLOP/s, of one-thread `cblas_sgemm` on n×n matrices (each rate over at least half a
    /// second, after a warm-up): the peak the engine's shares of peak are quoted against, measured in the
    /// same run rather than assumed.
    public static func sgemmPeak(n: Int = 1024, reps: Int = 5) -> Double {
        BLASThreads.set(1)
        var rng = SeededGenerator(seed: 4)
        let a = (0..<(n * n)).map { _ in Float(rng.uniform()) }, b = (0..<(n * n)).map { _ in Float(rng.uniform()) }
        var c = [Float](repeating: 0, count: n * n)
        func multiply() { Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n) }
        multiply()
        var best = 0.0
        for _ in 0..<reps {
            let start = Date()
            var calls = 0
            repeat { multiply(); calls += 1 } while Date().timeIntervalSince(start) < 0.5
            best = max(best, 2 * Double(n * n * n) * Double(calls) / Date().timeIntervalSince(start) / 1e9)
        }
        return best
    }
}
