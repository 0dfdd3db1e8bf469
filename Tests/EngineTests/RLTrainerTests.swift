import Foundation
import Testing
@testable import Engine

@Suite struct RLTrainerTests {
    let tokenizer = CharTokenizer(alphabet: TaskGenerator.alphabet)

    func trainer(seed: UInt64 = 1, entropyOnly: Bool = false, algorithm: RLAlgorithm = .grpo, microBatchRows: Int = 16,
                 updateEpochs: Int = 1) -> RLTrainer {
        let config = GPTConfig(vocabSize: tokenizer.vocabSize, maxSeqLen: 24, layers: 1, heads: 2, channels: 16)
        var rl = RLConfig()
        rl.promptsPerStep = 4
        rl.groupSize = 8
        rl.learningRate = 1e-2
        rl.maxNewTokens = 4
        rl.entropyOnly = entropyOnly
        rl.algorithm = algorithm
        rl.microBatchRows = microBatchRows
        rl.updateEpochs = updateEpochs
        rl.criticLearningRate = 1e-2
        let critic = algorithm == .ppo ? (GPT<Float>(config: config, seed: seed), ValueHead(channels: 16, seed: 2)) : nil
        // Reward: the response starts with a digit (about 1 in 6 at random initialisation).
        return RLTrainer(policy: GPT(config: config, seed: seed), reference: GPT(config: config, seed: seed), critic: critic, tokenizer: tokenizer,
                           config: rl) { _, response in response.first?.isNumber == true }
    }

    let problems = ["Compute 1+2.", "Compute 7*3.", "Solve x+1=4.", "Compute 9-5."].map { RLProblem(problem: $0, gold: "0") }

    /// GRPO and PPO raise a reward the random policy earns only by chance; PPO's critic learns to predict it.
    @Test(arguments: RLAlgorithm.allCases) func rewardRises(algorithm: RLAlgorithm) {
        let t = trainer(algorithm: algorithm)
        var results: [RLStepResult] = []
        for step in 0..<40 {
            var rng = SeededGenerator(seed: UInt64(step))
            results.append(t.step(problems, rng: &rng))
        }
        func mean(_ xs: ArraySlice<Double>) -> Double { xs.reduce(0, +) / Double(xs.count) }
        let early = mean(results.prefix(5).map(\.meanReward)[...]), late = mean(results.suffix(5).map(\.meanReward)[...])
        #expect(late > early + 0.3, "reward \(early) -> \(late)")
        if algorithm == .ppo {
            #expect(mean(results.suffix(5).map(\.valueLoss)[...]) < mean(results.prefix(5).map(\.valueLoss)[...]))
        } else {
            #expect(results.allSatisfy { $0.valueLoss == 0 })
        }
    }

    /// Same seeds, same model after the same steps; the reference stays frozen; entropy-only mode has zero
    /// advantages, so its policy term is 0.
    @Test func stepsAreDeterministicAndTheReferenceIsFrozen() {
        let a = trainer(), b = trainer()
        let frozen = Array(a.reference.params)
        for step in 0..<3 {
            var r1 = SeededGenerator(seed: UInt64(step)), r2 = SeededGenerator(seed: UInt64(step))
            let x = a.step(problems, rng: &r1), y = b.step(problems, rng: &r2)
            #expect(x.groups == y.groups && x.statistics == y.statistics)
        }
        #expect(Array(a.policy.params) == Array(b.policy.params))
        #expect(Array(a.policy.params) != frozen && Array(a.reference.params) == frozen)
        var rng = SeededGenerator(seed: 9)
        let entropy = trainer(entropyOnly: true).step(problems, rng: &rng)
        #expect(entropy.statistics.policyLoss == 0 && entropy.statistics.entropy > 0)
    }

    /// Cutting the step into micro-batches changes the arithmetic's order, not the update: one pass of 32 rows
    /// and eight of 4 give the same parameters and statistics (to float rounding), for GRPO and PPO.
    @Test(arguments: RLAlgorithm.allCases) func microBatchesGiveTheSameUpdate(algorithm: RLAlgorithm) {
        let whole = trainer(algorithm: algorithm, microBatchRows: 32), split = trainer(algorithm: algorithm, microBatchRows: 4)
        var r1 = SeededGenerator(seed: 5), r2 = SeededGenerator(seed: 5)
        let a = whole.step(problems, rng: &r1), b = split.step(problems, rng: &r2)
        #expect(a.groups == b.groups)
        #expect(abs(a.statistics.loss - b.statistics.loss) < 1e-5 && abs(a.statistics.entropy - b.statistics.entropy) < 1e-5)
        #expect(abs(a.valueLoss - b.valueLoss) < 1e-5)
        let worst = zip(whole.policy.params, split.policy.params).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5 && worst >= 0)
        let initial = GPT<Float>(config: whole.policy.config, seed: 1)
        #expect(Array(whole.policy.params) != Array(initial.params))
    }

    /// One update per batch is on-policy (no token clipped); further updates on the same rollouts move the
    /// ratio off 1, and the clip starts to bind.
    @Test func laterUpdateEpochsClip() {
        var r1 = SeededGenerator(seed: 8), r2 = SeededGenerator(seed: 8)
        let once = trainer().step(problems, rng: &r1), thrice = trainer(updateEpochs: 3).step(problems, rng: &r2)
        #expect(once.statistics.clipFraction == 0)
        #expect(thrice.statistics.clipFraction > 0)
        #expect(once.groups == thrice.groups)
    }
}
