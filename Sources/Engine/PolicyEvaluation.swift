import Foundation

/// A policy's responses to a set of problems, k samples each, graded: the counts behind avg@k and pass@k.
public struct PolicyEvaluation: Equatable, Sendable {
    public var problems = 0
    public var samples = 1
    /// Correct responses, over all problems and samples.
    public var correct = 0
    /// Problems with at least one correct response.
    public var solved = 0
    /// Responses with a `\boxed{}` answer.
    public var boxed = 0
    /// Problems skipped because their text has characters outside the tokenizer's alphabet.
    public var skipped = 0
    public var meanLength = 0.0

    /// Rolls out `samples` responses per problem (greedy at temperature 0) and grades them with
    /// `grade(gold, response)`. Deterministic for a seed.
    public static func run(_ model: GPT<Float>, tokenizer: CharTokenizer, problems: [RLProblem], samples: Int, temperature: Double,
                           seed: UInt64, grade: (String, String) -> Bool) -> PolicyEvaluation {
        var result = PolicyEvaluation(samples: samples)
        var prompts: [[Int32]] = [], kept: [RLProblem] = []
        for problem in problems {
            guard let prompt = Pretraining.prompt(problem.problem, tokenizer), prompt.count < model.config.maxSeqLen - 1 else {
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
            var any = false
            for tokens in responses[(p * samples)..<((p + 1) * samples)] {
                let response = tokenizer.decode(tokens)
                length += tokens.count
                if response.contains("\\boxed{") { result.boxed += 1 }
                if grade(problem.gold, response) { result.correct += 1; any = true }
            }
            if any { result.solved += 1 }
        }
        result.meanLength = Double(length) / Double(max(1, responses.count))
        return result
    }

    /// Fresh problems of a task family for evaluation, seeded apart from training data.
    public static func heldOutProblems(_ family: TaskFamily, count: Int, seed: UInt64) -> [RLProblem] {
        let index = UInt64(TaskFamily.allCases.firstIndex(of: family) ?? 0)
        var generator = TaskGenerator(seed: seed &+ 1_000_003 &* (index + 1))
        return generator.tasks(family, count: count).map { RLProblem(problem: $0.problem, gold: $0.answer) }
    }
}
