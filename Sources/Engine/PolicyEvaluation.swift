import Foundation
import Grading

/// A policy's responses to a set of problems, k samples each, graded: the counts behind avg@k and pass@k.
public struct PolicyEvaluation: Equatable, Sendable {
    public var problems = 0
    public var samples = 1
    /// Correct responses, over all problems and samples.
    public var correct = 0
    /// Problems with at least one correct response.
    public var solved = 0
    /// Problems whose most frequent answer (maj@k; ties go to the answer seen first) is correct.
    public var majority = 0
    /// Correct responses per problem, in problem order: what the unbiased pass@k needs.
    public var correctPerProblem: [Int] = []
    /// Responses with a `\boxed{}` answer.
    public var boxed = 0
    /// Responses with a self-reflection word (``Grading/SelfReflection``).
    public var reflective = 0
    /// Problems skipped because their text has characters outside the tokenizer's alphabet.
    public var skipped = 0
    public var meanLength = 0.0

    /// Correct responses over all responses: avg@k.
    public var accuracy: Double { Double(correct) / Double(max(1, problems * samples)) }
    /// Problems solved by at least one of the k samples: pass@k at k = samples.
    public var passRate: Double { Double(solved) / Double(max(1, problems)) }
    /// Problems whose majority answer is correct: maj@k.
    public var majorityRate: Double { Double(majority) / Double(max(1, problems)) }
    /// Responses with a `\boxed{}` answer, over all responses.
    public var boxedRate: Double { Double(boxed) / Double(max(1, problems * samples)) }
    /// Responses with a self-reflection word, over all responses.
    public var reflectionRate: Double { Double(reflective) / Double(max(1, problems * samples)) }

    /// The unbiased pass@k estimator (Chen et al. 2021): the mean over problems of 1 − C(n−c, k)/C(n, k), with
    /// n samples of which c are correct; k must be between 1 and n.
    public func passAt(_ k: Int) -> Double {
        precondition((1...max(1, samples)).contains(k), "pass@k needs 1 ≤ k ≤ samples")
        guard !correctPerProblem.isEmpty else { return 0 }
        let n = samples
        let total = correctPerProblem.reduce(0.0) { sum, c in
            if n - c < k { return sum + 1 }
            // C(n−c, k)/C(n, k) = Π_{i=n−c+1}^{n} (1 − k/i), computed as a product to stay exact in range
            var fail = 1.0
            for i in (n - c + 1)..<(n + 1) { fail *= 1 - Double(k) / Double(i) }
            return sum + 1 - fail
        }
        return total / Double(correctPerProblem.count)
    }

    /// Rolls out `samples` responses per problem (greedy at temperature 0) and grades them with
    /// `grade(gold, response)`, which gives the verdict and the extracted answer; counts the self-reflective
    /// responses. Deterministic for a seed.
    public static func run(_ model: GPT<Float>, tokenizer: CharTokenizer, problems: [RLProblem], samples: Int, temperature: Double,
                           seed: UInt64, grade: (String, String) -> (correct: Bool, answer: String?)) -> PolicyEvaluation {
        var result = PolicyEvaluation(samples: samples)
        var prompts: [[Int32]] = [], kept: [RLProblem] = []
        for problem in problems {
            guard let prompt = RLTrainer.prompt(problem, tokenizer: tokenizer, context: model.config.maxSeqLen) else {
                result.skipped += 1
                continue
            }
            prompts.append(prompt)
            kept.append(problem)
        }
        result.problems = kept.count
        let sampler = BatchSampler(model: model, capacity: 64)
        var rng = SeededGenerator(seed: seed)
        let responses = sampler.generate(prompts: prompts.flatMap { Array(repeating: $0, count: samples) },
                                         maxNewTokens: model.config.maxSeqLen, temperature: temperature, rng: &rng)
        var length = 0
        for (p, problem) in kept.enumerated() {
            var verdicts: [(correct: Bool, answer: String?)] = []
            for tokens in responses[(p * samples)..<((p + 1) * samples)] {
                let response = tokenizer.decode(tokens)
                length += tokens.count
                if response.contains("\\boxed{") { result.boxed += 1 }
                if SelfReflection.isReflective(response) { result.reflective += 1 }
                verdicts.append(grade(problem.gold, response))
            }
            let correct = verdicts.filter(\.correct).count
            result.correct += correct
            result.correctPerProblem.append(correct)
            if correct > 0 { result.solved += 1 }
            if MajorityVote.isCorrect(verdicts) { result.majority += 1 }
        }
        result.meanLength = Double(length) / Double(max(1, responses.count))
        return result
    }

    /// Fresh problems of a task family for evaluation, seeded apart from training data.
    public static func heldOutProblems(_ family: TaskFamily, count: Int, seed: UInt64) -> [RLProblem] {
        heldOutTasks(family, count: count, seed: seed).map { RLProblem(problem: $0.problem, gold: $0.answer) }
    }

    /// The tasks behind ``heldOutProblems(_:count:seed:)``, with their solutions; a smaller count gives a prefix.
    public static func heldOutTasks(_ family: TaskFamily, count: Int, seed: UInt64) -> [SynthTask] {
        let index = UInt64(TaskFamily.allCases.firstIndex(of: family) ?? 0)
        var generator = TaskGenerator(seed: seed &+ 1_000_003 &* (index + 1))
        return generator.tasks(family, count: count)
    }
}
