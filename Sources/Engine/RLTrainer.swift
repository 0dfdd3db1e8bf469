import Foundation

/// The paper's two algorithms.
public enum RLAlgorithm: String, Codable, CaseIterable, Sendable {
    /// Group-relative advantages: (r − mean)/std within each prompt's group of samples; no critic.
    case grpo
    /// A critic (the base's trunk with a ``ValueHead``) and generalised advantage estimation.
    case ppo
}

/// How an RLVR run trains, at the built-in policy's scale; verl's defaults where they apply.
public struct RLConfig: Codable, Equatable, Sendable {
    public var algorithm = RLAlgorithm.grpo
    /// Prompts per step (the train batch) and samples per prompt (the group).
    public var promptsPerStep = 8
    public var groupSize = 8
    public var learningRate = 1e-4
    public var weightDecay = 0.01
    public var loss = PolicyLossTerms()
    /// At most this many new tokens per response (and never past the context).
    public var maxNewTokens = 96
    /// Entropy-only training: every advantage is zero, so only the entropy bonus (and the KL) move the policy.
    public var entropyOnly = false
    /// Updates per rollout batch; 1 (the paper's setting) keeps the update on-policy, ratio ≡ 1.
    public var updateEpochs = 1
    /// PPO: the critic's learning rate, and GAE's discount and λ (verl's defaults: γ = λ = 1).
    public var criticLearningRate = 1e-3
    public var gamma = 1.0
    public var lambda = 1.0
    /// Rows per forward pass of the update (rows of similar length go together).
    public var microBatchRows = 16

    public init() {}
}

/// One problem to roll out: its text and gold answer.
public struct RLProblem: Equatable, Sendable {
    public let problem: String
    public let gold: String
    public init(problem: String, gold: String) {
        self.problem = problem
        self.gold = gold
    }
}

/// The rollouts of one prompt: how many of its samples the grader accepted.
public struct RolloutGroup: Equatable, Sendable {
    public let correct: Int
    public let sampled: Int
    /// The first response, to read.
    public let example: String
}

/// What one RL step did and measured.
public struct RLStepResult: Sendable {
    public let groups: [RolloutGroup]
    /// Every response of the step, decoded, in row order (prompt by prompt, G each).
    public let responses: [String]
    public let statistics: PolicyLossStatistics
    public let meanReward: Double
    /// Mean response length in tokens (EOS included).
    public let meanResponseLength: Double
    public let gradientNorm: Double
    /// PPO: the critic's mean squared error against the GAE returns (0 for GRPO).
    public let valueLoss: Double
    /// Seconds spent sampling, in the reference's forward pass, and in the policy's update.
    public let seconds: (sampling: Double, reference: Double, update: Double)
}

/// GRPO or PPO on the built-in policy: sample a group per prompt, reward each response 0/1 with the grader,
/// turn rewards into advantages (group-normalised for GRPO; GAE over a critic's values, whitened, for PPO),
/// and take one token-mean clipped-ratio step with the KL to a frozen reference and the entropy bonus
/// (``PolicyLoss``).
public final class RLTrainer {
    public let policy: GPT<Float>
    public let reference: GPT<Float>
    /// PPO's critic: a trunk and a value head.
    public let critic: (model: GPT<Float>, head: ValueHead)?
    public let tokenizer: CharTokenizer
    public let config: RLConfig
    private let sampler: BatchSampler
    private let grade: (String, String) -> Bool
    /// The reference pass and the policy's update spread over these (one worker: plain loops).
    private let referenceWorkers: DataParallel, policyWorkers: DataParallel

    /// `grade(gold, response)` is the 0/1 reward.
    /// PPO needs a `critic`; GRPO ignores it. `workers` > 1 runs the reference pass and the update's
    /// micro-batches on that many threads (``DataParallel``); sampling and the critic stay on one.
    public init(policy: GPT<Float>, reference: GPT<Float>, critic: (model: GPT<Float>, head: ValueHead)? = nil, tokenizer: CharTokenizer,
                config: RLConfig, workers: Int = 1, grade: @escaping (String, String) -> Bool) {
        referenceWorkers = DataParallel(model: reference, workers: workers)
        policyWorkers = DataParallel(model: policy, workers: workers)
        precondition(config.algorithm == .grpo || critic != nil, "PPO needs a critic")
        self.policy = policy
        self.reference = reference
        self.critic = config.algorithm == .ppo ? critic : nil
        self.tokenizer = tokenizer
        self.config = config
        self.grade = grade
        sampler = BatchSampler(model: policy, capacity: config.promptsPerStep * config.groupSize)
    }

    /// The prompt tokens of a problem, or nil when it has characters outside the alphabet or leaves no room
    /// to answer.
    public func prompt(_ problem: RLProblem) -> [Int32]? {
        RLTrainer.prompt(problem, tokenizer: tokenizer, context: policy.config.maxSeqLen)
    }

    /// The same for any tokenizer and context length (what evaluation and run set-up check with).
    public static func prompt(_ problem: RLProblem, tokenizer: CharTokenizer, context: Int) -> [Int32]? {
        guard let tokens = Pretraining.prompt(problem.problem, tokenizer), tokens.count < context - 1 else { return nil }
        return tokens
    }

    /// One step on `problems` (each must have a ``prompt(_:)``). Deterministic for the rng's state.
    public func step(_ problems: [RLProblem], rng: inout SeededGenerator) -> RLStepResult {
        let G = config.groupSize
        let prompts = problems.map { prompt($0)! }
        var clock = Date()
        func lap() -> Double { defer { clock = Date() }; return Date().timeIntervalSince(clock) }

        let rows = prompts.flatMap { Array(repeating: $0, count: G) }
        let responses = sampler.generate(prompts: rows, maxNewTokens: config.maxNewTokens, temperature: config.loss.temperature, rng: &rng)
        let texts = responses.map { tokenizer.decode($0) }
        let rewards = texts.enumerated().map { r, text in grade(problems[r / G].gold, text) ? 1.0 : 0.0 }
        var advantages = [Double](repeating: 0, count: rows.count), groups: [RolloutGroup] = []
        for p in problems.indices {
            let group = Array(rewards[(p * G)..<((p + 1) * G)])
            let mean = group.reduce(0, +) / Double(G)
            let std = G > 1 ? (group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(G - 1)).squareRoot() : 0
            for i in 0..<G where !config.entropyOnly { advantages[p * G + i] = (group[i] - mean) / (std + 1e-6) }
            groups.append(RolloutGroup(correct: Int(group.reduce(0, +)), sampled: G, example: texts[p * G]))
        }
        let sampling = lap()

        var batches = microBatches(prompts: rows, responses: responses, advantages: advantages)
        let tokenCount = batches.reduce(0) { $0 + $1.tokenCount }
        var valueLoss = 0.0
        if let critic { valueLoss = trainCritic(critic, &batches, rewards: rewards, tokenCount: tokenCount) }
        let V = policy.config.vocabSize
        let lock = NSLock()
        var referenceLogProbs = batches.map(\.referenceLogProbs)
        referenceWorkers.run(pieces: batches.count) { replica, k in
            let b = batches[k]
            replica.forward(tokens: b.tokens, targets: nil, B: b.rows.count, T: b.T)
            var logProbs = [Float](repeating: 0, count: b.tokens.count)
            _ = PolicyLoss.evaluate(logits: replica.logits.baseAddress!, targets: b.targets, advantages: b.advantages, oldLogProbs: nil,
                                    referenceLogProbs: nil, N: b.tokens.count, V: V, terms: config.loss, logProbs: &logProbs)
            lock.withLock { referenceLogProbs[k] = logProbs }
        }
        for k in batches.indices { batches[k].referenceLogProbs = referenceLogProbs[k] }
        let referenceSeconds = lap()

        let optimizer = AdamW(learningRate: config.learningRate, weightDecay: config.weightDecay)
        var statistics = PolicyLossStatistics(), gradientNorm = 0.0
        for epoch in 0..<max(1, config.updateEpochs) {
            var parts = [PolicyLossStatistics](repeating: PolicyLossStatistics(), count: batches.count)
            var policyLogProbs = [[Float]](repeating: [], count: batches.count)
            policyWorkers.run(pieces: batches.count) { replica, k in
                let b = batches[k]
                replica.forward(tokens: b.tokens, targets: nil, B: b.rows.count, T: b.T)
                var logProbs = [Float](repeating: 0, count: b.tokens.count)
                var part = PolicyLossStatistics()
                replica.backward(fillingLogitGradients: { dlogits in
                    part = b.oldLogProbs.withUnsafeOptionalPointer { old in
                        PolicyLoss.evaluate(logits: replica.logits.baseAddress!, targets: b.targets, advantages: b.advantages, oldLogProbs: old,
                                            referenceLogProbs: b.referenceLogProbs, N: b.tokens.count, V: V, terms: config.loss,
                                            tokenCount: tokenCount, dlogits: dlogits, logProbs: &logProbs)
                    }
                })
                lock.withLock { parts[k] = part; policyLogProbs[k] = logProbs }
            }
            statistics = PolicyLossStatistics()
            for part in parts { statistics.accumulate(part, of: tokenCount) }
            if epoch == 0 { for k in batches.indices { batches[k].oldLogProbs = policyLogProbs[k] } }
            gradientNorm = policy.update(optimizer)
        }
        let lengths = responses.map(\.count)
        return RLStepResult(groups: groups, responses: texts, statistics: statistics, meanReward: rewards.reduce(0, +) / Double(rewards.count),
                            meanResponseLength: Double(lengths.reduce(0, +)) / Double(max(1, lengths.count)),
                            gradientNorm: gradientNorm, valueLoss: valueLoss, seconds: (sampling, referenceSeconds, lap()))
    }

    /// Rows of one forward pass: prompt + response each, right-padded to the longest of them; targets on the
    /// positions that predict a response token.
    struct MicroBatch {
        var rows: [Int]
        var T: Int
        var tokens: [Int32]
        var targets: [Int32]
        var advantages: [Float]
        var referenceLogProbs: [Float]
        var oldLogProbs: [Float]?
        var tokenCount: Int
    }

    /// The step's rows cut into forward passes of ``RLConfig/microBatchRows`` rows of similar length, so
    /// little padding is computed (gradients add up over the passes, as in verl's micro-batches).
    func microBatches(prompts: [[Int32]], responses: [[Int32]], advantages: [Double]) -> [MicroBatch] {
        let order = prompts.indices.sorted { (prompts[$0].count + responses[$0].count, $0) < (prompts[$1].count + responses[$1].count, $1) }
        return stride(from: 0, to: order.count, by: config.microBatchRows).map { start in
            let rows = Array(order[start..<min(order.count, start + config.microBatchRows)])
            let T = rows.map { prompts[$0].count + responses[$0].count }.max()!
            var b = MicroBatch(rows: rows, T: T, tokens: .init(repeating: CharTokenizer.pad, count: rows.count * T),
                               targets: .init(repeating: -1, count: rows.count * T), advantages: .init(repeating: 0, count: rows.count * T),
                               referenceLogProbs: .init(repeating: 0, count: rows.count * T), oldLogProbs: nil, tokenCount: 0)
            for (j, r) in rows.enumerated() {
                let sequence = prompts[r] + responses[r]
                for t in 0..<sequence.count { b.tokens[j * T + t] = sequence[t] }
                for t in (prompts[r].count - 1)..<(sequence.count - 1) {
                    b.targets[j * T + t] = sequence[t + 1]
                    b.advantages[j * T + t] = Float(advantages[r])
                    b.tokenCount += 1
                }
            }
            return b
        }
    }

    /// PPO's critic pass: values V_t at the positions that predict a response token, GAE with the reward at
    /// each row's last token (δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}), advantages whitened over
    /// all response tokens into the batches, then one step of the critic on ½(V_t − (A_t + V_t))² (token
    /// mean). Returns the mean squared error before the step.
    private func trainCritic(_ critic: (model: GPT<Float>, head: ValueHead), _ batches: inout [MicroBatch], rewards: [Double],
                             tokenCount: Int) -> Double {
        var returns: [[Float]] = [], raw: [Float] = []
        for k in batches.indices {
            let b = batches[k], T = b.T
            critic.model.forward(tokens: b.tokens, targets: nil, B: b.rows.count, T: T)
            let values = critic.head.forward(critic.model.hidden.baseAddress!, N: b.rows.count * T)
            var batchReturns = [Float](repeating: 0, count: b.rows.count * T)
            for (j, r) in b.rows.enumerated() {
                let positions = (0..<T).filter { b.targets[j * T + $0] >= 0 }
                var next: Double = 0, running: Double = 0
                for (i, t) in positions.enumerated().reversed() {
                    let reward = i == positions.count - 1 ? rewards[r] : 0
                    let value = Double(values[j * T + t])
                    running = reward + config.gamma * next - value + config.gamma * config.lambda * running
                    batches[k].advantages[j * T + t] = Float(running)
                    batchReturns[j * T + t] = Float(running + value)
                    next = value
                }
                raw += positions.map { batches[k].advantages[j * T + $0] }
            }
            returns.append(batchReturns)
        }
        // whiten: zero mean, unit variance over the step's response tokens (verl's masked_whiten)
        let count = Float(max(1, raw.count)), mean = raw.reduce(0, +) / count
        let std = (raw.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / count).squareRoot()
        var squaredError = 0.0
        critic.model.zeroGradients()
        for k in batches.indices {
            let b = batches[k]
            critic.model.forward(tokens: b.tokens, targets: nil, B: b.rows.count, T: b.T)
            let hidden = critic.model.hidden.baseAddress!
            let values = critic.head.forward(hidden, N: b.rows.count * b.T)
            var dvalues = [Float](repeating: 0, count: b.rows.count * b.T)
            for i in 0..<dvalues.count where b.targets[i] >= 0 {
                batches[k].advantages[i] = config.entropyOnly ? 0 : (b.advantages[i] - mean) / (std + 1e-8)
                let error = values[i] - returns[k][i]
                squaredError += Double(error * error)
                dvalues[i] = error / Float(tokenCount)
            }
            critic.model.backward(fillingHiddenGradients: { dhidden in critic.head.backward(dvalues, hidden, dhidden) })
        }
        let optimizer = AdamW(learningRate: config.criticLearningRate, weightDecay: config.weightDecay)
        critic.model.update(optimizer)
        critic.head.update(optimizer, learningRate: config.criticLearningRate)
        return squaredError / Double(count)
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's storage, or nil.
    func withUnsafeOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: return body(nil)
        }
    }
}
