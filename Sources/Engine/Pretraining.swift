import Foundation

/// How to pretrain the base policy: supervised next-token training on generated tasks.
public struct PretrainConfig: Codable, Sendable {
    public var model: GPTConfig
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Double
    public var warmup: Int
    public var seed: UInt64
    /// The share of training solutions that end in a plain "answer N" instead of `\boxed{N}`: the base then
    /// uses the box only part of the time, as Qwen2.5-Math-1.5B does before RLVR.
    public var unboxedShare: Double

    public init(model: GPTConfig, steps: Int, batchSize: Int = 32, learningRate: Double = 1e-3, warmup: Int = 50,
                seed: UInt64 = 0, unboxedShare: Double = 0.5) {
        self.model = model
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmup = warmup
        self.seed = seed
        self.unboxedShare = unboxedShare
    }

    /// The default base: 4 layers, 128 channels, 4 heads, context 128.
    public static func base(steps: Int = 2000, seed: UInt64 = 0) -> PretrainConfig {
        PretrainConfig(model: GPTConfig(vocabSize: CharTokenizer(alphabet: TaskGenerator.alphabet).vocabSize, maxSeqLen: 128,
                                        layers: 4, heads: 4, channels: 128), steps: steps, seed: seed)
    }
}

/// One training sequence: BOS, problem, a space, solution, EOS; targets only on the solution.
public struct TrainingExample: Equatable, Sendable {
    public let tokens: [Int32]
    public let targets: [Int32]
}

public enum Pretraining {
    /// The prompt a policy is given for a problem: BOS, the problem, a space.
    public static func prompt(_ problem: String, _ tokenizer: CharTokenizer) -> [Int32]? {
        tokenizer.encode(problem + " ").map { [CharTokenizer.bos] + $0 }
    }

    /// The training sequence of a task, padded or cut to `length`; nil when it has characters outside the
    /// alphabet.
    public static func example(_ problem: String, _ solution: String, _ tokenizer: CharTokenizer, length: Int) -> TrainingExample? {
        guard let prompt = prompt(problem, tokenizer), let answer = tokenizer.encode(solution) else { return nil }
        let sequence = prompt + answer + [CharTokenizer.eos]
        var tokens = Array(sequence.prefix(length)), targets = [Int32](repeating: -1, count: length)
        for i in 0..<min(length, sequence.count - 1) where i + 1 >= prompt.count { targets[i] = sequence[i + 1] }
        while tokens.count < length { tokens.append(CharTokenizer.pad) }
        return TrainingExample(tokens: tokens, targets: targets)
    }

    /// A solution rewritten to end in "answer N" instead of `\boxed{N}`.
    public static func unboxed(_ solution: String) -> String {
        guard let r = solution.range(of: "\\boxed{", options: .backwards) else { return solution }
        let inner = solution[r.upperBound...].dropLast()
        return solution[..<r.lowerBound] + "answer " + inner
    }

    /// Trains `model` on a stream of generated tasks of the training families; `progress` gets the step
    /// and the loss. Deterministic for a seed.
    ///
    /// Float, not generic: called with a concrete type inside this module, the model's generic code is
    /// specialised; called generically from another module it runs through witness tables, ~100x slower.
    /// With `workers` > 1 each step's rows are spread over that many threads (``DataParallel``), pieces of
    /// 4 rows; the sum of the gradients is then order-dependent, so only one worker is bit-reproducible.
    public static func train(_ model: GPT<Float>, config: PretrainConfig, tokenizer: CharTokenizer, workers: Int = 1,
                             progress: (Int, Double) -> Void = { _, _ in }) {
        let parallel = DataParallel(model: model, workers: workers)
        var generator = TaskGenerator(seed: config.seed)
        var choice = SeededGenerator(seed: config.seed ^ 0x5EED)
        let optimizer = AdamW(learningRate: config.learningRate, weightDecay: 0.0)
        let length = config.model.maxSeqLen
        for step in 0..<config.steps {
            var tokens: [Int32] = [], targets: [Int32] = []
            while tokens.count < config.batchSize * length {
                let family = TaskFamily.training[Int(choice.uniform() * Double(TaskFamily.training.count))]
                let task = generator.task(family)
                let solution = choice.uniform() < config.unboxedShare ? unboxed(task.solution) : task.solution
                guard let ex = example(task.problem, solution, tokenizer, length: length) else { continue }
                tokens += ex.tokens
                targets += ex.targets
            }
            let loss = gradients(parallel, tokens: tokens, targets: targets, B: config.batchSize, T: length)
            model.update(optimizer, learningRate: optimizer.scheduled(step: step, total: config.steps, warmup: config.warmup))
            progress(step, Double(loss))
        }
    }
}

extension Pretraining {
    /// Batch rows per forward and backward pass. Small pieces keep a pass's activations (about 5 MB a row at
    /// 4 layers, 128 channels, context 128) in the caches: one thread trained about 12% faster in pieces of 2
    /// rows than in one pass over 32 (pieces of 1 and 4: about 8%).
    static let rowsPerPiece = 2

    /// One step's gradients (mean cross-entropy over the batch's targets) in `parallel.model.grads`; returns
    /// the loss. The batch goes through in pieces of ``rowsPerPiece`` rows, shared among the workers.
    static func gradients(_ parallel: DataParallel, tokens: [Int32], targets: [Int32], B: Int, T: Int) -> Float {
        let pieces = (B + rowsPerPiece - 1) / rowsPerPiece
        let weight = 1 / Float(max(1, targets.filter { $0 >= 0 }.count))
        let lock = NSLock()
        var loss: Float = 0
        parallel.run(pieces: pieces) { replica, piece in
            let rows = (piece * rowsPerPiece)..<min(B, (piece + 1) * rowsPerPiece)
            let span = (rows.lowerBound * T)..<(rows.upperBound * T)
            let pieceTargets = Array(targets[span])
            let mean = replica.forward(tokens: Array(tokens[span]), targets: pieceTargets, B: rows.count, T: T)
            replica.backward(lossWeights: [Float](repeating: weight, count: span.count))
            lock.lock()
            loss += mean * Float(pieceTargets.filter { $0 >= 0 }.count) * weight
            lock.unlock()
        }
        return loss
    }
}

/// Held-out accuracy of a policy on one task family: greedy answers graded by `grade`.
public struct FamilyEvaluation: Sendable {
    public let family: TaskFamily
    public let problems: Int
    public let correct: Int
    /// Responses that put their answer in `\boxed{}`.
    public let boxed: Int
    /// The first few problems with their responses, to read.
    public let samples: [(problem: String, response: String)]

    public var accuracy: Double { Double(correct) / Double(max(1, problems)) }
    public var boxedRate: Double { Double(boxed) / Double(max(1, problems)) }
}

extension Pretraining {
    /// Responses to `count` fresh problems of each family (seeded apart from training), greedy at temperature
    /// 0 (else sampled), graded by `grade(gold, response)`.
    public static func evaluate(_ model: GPT<Float>, tokenizer: CharTokenizer, families: [TaskFamily], count: Int,
                                seed: UInt64, temperature: Double = 0, grade: (String, String) -> Bool) -> [FamilyEvaluation] {
        let tasksPerFamily = families.map { family in
            PolicyEvaluation.heldOutProblems(family, count: count, seed: seed).compactMap { task in prompt(task.problem, tokenizer).map { (task, $0) } }
        }
        let sampler = BatchSampler(model: model, capacity: 64)
        var rng = SeededGenerator(seed: seed)
        return zip(families, tasksPerFamily).map { family, tasks in
            let responses = sampler.generate(prompts: tasks.map(\.1), maxNewTokens: model.config.maxSeqLen, temperature: temperature, rng: &rng)
            var correct = 0, boxed = 0, samples: [(problem: String, response: String)] = []
            for ((task, _), tokens) in zip(tasks, responses) {
                let response = tokenizer.decode(tokens)
                if grade(task.gold, response) { correct += 1 }
                if response.contains("\\boxed{") { boxed += 1 }
                if samples.count < 3 { samples.append((task.problem, response)) }
            }
            return FamilyEvaluation(family: family, problems: count, correct: correct, boxed: boxed, samples: samples)
        }
    }
}
