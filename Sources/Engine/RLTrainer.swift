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

    /// `grade(gold, response)` is the 0/1 reward.
    /// PPO needs a `critic`; GRPO ignores it.
    public init(policy: GPT<Float>, reference: GPT<Float>, critic: (model: GPT<Float>, head: ValueHead)? = nil, tokenizer: CharTokenizer,
                config: RLConfig, grade: @escaping (String, String) -> Bool) {
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
        guard let tokens = Pretraining.prompt(problem.problem, tokenizer), tokens.count < policy.config.maxSeqLen - 1 else { return nil }
        return tokens
    }

    /// One step on `problems` (each must have a ``prompt(_:)``). Deterministic for the rng's state.
    public func step(_ problems: [RLProblem], rng: inout SeededGenerator) -> RLStepResult {
        let G = config.groupSize, S = policy.config.maxSeqLen
        let prompts = problems.map { prompt($0)! }
        var clock = Date()
        func lap() -> Double { defer { clock = Date() }; return Date().timeIntervalSince(clock) }

        let rows = prompts.flatMap { Array(repeating: $0, count: G) }
        let responses = sampler.generate(prompts: rows, maxNewTokens: config.maxNewTokens, temperature: config.loss.temperature, rng: &rng)
        let rewards = responses.enumerated().map { r, tokens in grade(problems[r / G].gold, tokenizer.decode(tokens)) ? 1.0 : 0.0 }
        var advantages = [Double](repeating: 0, count: rows.count), groups: [RolloutGroup] = []
        for p in problems.indices {
            let group = Array(rewards[(p * G)..<((p + 1) * G)])
            let mean = group.reduce(0, +) / Double(G)
            let std = G > 1 ? (group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(G - 1)).squareRoot() : 0
            for i in 0..<G where !config.entropyOnly { advantages[p * G + i] = (group[i] - mean) / (std + 1e-6) }
            groups.append(RolloutGroup(correct: Int(group.reduce(0, +)), sampled: G, example: tokenizer.decode(responses[p * G])))
        }
        let sampling = lap()

        // One batch: prompt + response per row, right-padded; targets on the positions that predict a response token.
        let T = min(S, zip(rows, responses).map { $0.count + $1.count }.max() ?? 1)
        var tokens = [Int32](repeating: CharTokenizer.pad, count: rows.count * T)
        var targets = [Int32](repeating: -1, count: rows.count * T)
        var tokenAdvantages = [Float](repeating: 0, count: rows.count * T)
        for r in rows.indices {
            let sequence = rows[r] + responses[r]
            for t in 0..<sequence.count { tokens[r * T + t] = sequence[t] }
            for t in (rows[r].count - 1)..<(sequence.count - 1) {
                targets[r * T + t] = sequence[t + 1]
                tokenAdvantages[r * T + t] = Float(advantages[r])
            }
        }
        let N = rows.count * T, V = policy.config.vocabSize
        var valueLoss = 0.0
        if let critic {
            valueLoss = trainCritic(critic, tokens: tokens, targets: targets, rewards: rewards, B: rows.count, T: T,
                                    advantages: &tokenAdvantages)
        }
        var referenceLogProbs = [Float](repeating: 0, count: N)
        reference.forward(tokens: tokens, targets: nil, B: rows.count, T: T)
        _ = PolicyLoss.evaluate(logits: reference.logits.baseAddress!, targets: targets, advantages: tokenAdvantages, oldLogProbs: nil,
                                referenceLogProbs: nil, N: N, V: V, terms: config.loss, logProbs: &referenceLogProbs)
        let referenceSeconds = lap()

        let optimizer = AdamW(learningRate: config.learningRate, weightDecay: config.weightDecay)
        var oldLogProbs: [Float]? = nil, statistics = PolicyLossStatistics(), gradientNorm = 0.0
        for _ in 0..<max(1, config.updateEpochs) {
            policy.forward(tokens: tokens, targets: nil, B: rows.count, T: T)
            var logProbs = [Float](repeating: 0, count: N)
            policy.zeroGradients()
            policy.backward(fillingLogitGradients: { dlogits in
                statistics = oldLogProbs.withUnsafeOptionalPointer { old in
                    PolicyLoss.evaluate(logits: policy.logits.baseAddress!, targets: targets, advantages: tokenAdvantages, oldLogProbs: old,
                                        referenceLogProbs: referenceLogProbs, N: N, V: V, terms: config.loss,
                                        dlogits: dlogits, logProbs: &logProbs)
                }
            })
            if oldLogProbs == nil { oldLogProbs = logProbs }
            gradientNorm = policy.update(optimizer)
        }
        let lengths = responses.map(\.count)
        return RLStepResult(groups: groups, statistics: statistics, meanReward: rewards.reduce(0, +) / Double(rewards.count),
                              meanResponseLength: Double(lengths.reduce(0, +)) / Double(max(1, lengths.count)),
                              gradientNorm: gradientNorm, valueLoss: valueLoss, seconds: (sampling, referenceSeconds, lap()))
    }

    /// PPO's critic pass: values V_t at the positions that predict a response token, GAE with the reward at
    /// each row's last token (δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}), advantages whitened over
    /// all response tokens into `advantages`, then one step of the critic on ½(V_t − (A_t + V_t))² (token
    /// mean). Returns the mean squared error before the step.
    private func trainCritic(_ critic: (model: GPT<Float>, head: ValueHead), tokens: [Int32], targets: [Int32], rewards: [Double],
                             B: Int, T: Int, advantages: inout [Float]) -> Double {
        critic.model.forward(tokens: tokens, targets: nil, B: B, T: T)
        let hidden = critic.model.hidden.baseAddress!
        let values = critic.head.forward(hidden, N: B * T)
        var returns = [Float](repeating: 0, count: B * T), raw: [Float] = []
        for b in 0..<B {
            let positions = (0..<T).filter { targets[b * T + $0] >= 0 }
            var next: Double = 0, running: Double = 0
            for (j, t) in positions.enumerated().reversed() {
                let reward = j == positions.count - 1 ? rewards[b] : 0
                let value = Double(values[b * T + t])
                let delta = reward + config.gamma * next - value
                running = delta + config.gamma * config.lambda * running
                advantages[b * T + t] = Float(running)
                returns[b * T + t] = Float(running + value)
                next = value
            }
            raw += positions.map { advantages[b * T + $0] }
        }
        // whiten: zero mean, unit variance over the batch's response tokens (verl's masked_whiten)
        let count = Float(max(1, raw.count)), mean = raw.reduce(0, +) / count
        let std = (raw.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / count).squareRoot()
        var dvalues = [Float](repeating: 0, count: B * T), squaredError = 0.0
        for i in 0..<(B * T) where targets[i] >= 0 {
            if !config.entropyOnly { advantages[i] = (advantages[i] - mean) / (std + 1e-8) } else { advantages[i] = 0 }
            let error = values[i] - returns[i]
            squaredError += Double(error * error)
            dvalues[i] = error / count
        }
        critic.model.zeroGradients()
        critic.model.backward(fillingHiddenGradients: { dhidden in critic.head.backward(dvalues, hidden, dhidden) })
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
