import Testing
@testable import Engine
import Grading

@Suite struct PretrainingTests {
    let tokenizer = CharTokenizer(alphabet: TaskGenerator.alphabet)

    /// The loss only sees the solution and EOS: the prompt's positions (but the last, which predicts the
    /// solution's first character) carry no target, and padding carries none.
    @Test func targetsCoverOnlyTheSolution() throws {
        let ex = try #require(Pretraining.example("1+2=", "\\boxed{3}", tokenizer, length: 24))
        let prompt = try #require(Pretraining.prompt("1+2=", tokenizer))
        #expect(ex.tokens.count == 24 && ex.targets.count == 24)
        #expect(ex.targets[..<(prompt.count - 1)].allSatisfy { $0 == -1 })
        let solution = try #require(tokenizer.encode("\\boxed{3}")) + [CharTokenizer.eos]
        #expect(Array(ex.targets[(prompt.count - 1)..<(prompt.count - 1 + solution.count)]) == solution)
        #expect(ex.targets[(prompt.count - 1 + solution.count)...].allSatisfy { $0 == -1 })
        #expect(ex.tokens.suffix(24 - prompt.count - solution.count).allSatisfy { $0 == CharTokenizer.pad })
    }

    @Test func exampleOutsideTheAlphabetIsSkipped() {
        #expect(Pretraining.example("1+2=", "é", tokenizer, length: 24) == nil)
    }

    @Test func unboxedEndsInAPlainAnswer() {
        #expect(Pretraining.unboxed("7+5=12; \\boxed{12}") == "7+5=12; answer 12")
        #expect(Pretraining.unboxed("no box") == "no box")
        #expect(!Grader(requireBox: true).grade(gold: "12", response: Pretraining.unboxed("x \\boxed{12}")).correct)
    }

    /// A few steps on a tiny model lower the loss, and the same seed gives the same losses.
    @Test func trainingLowersTheLossDeterministically() {
        var config = PretrainConfig.base(steps: 30, seed: 5)
        config.model = GPTConfig(vocabSize: tokenizer.vocabSize, maxSeqLen: 64, layers: 1, heads: 2, channels: 32)
        config.batchSize = 8
        config.warmup = 5
        config.learningRate = 1e-2
        func run() -> [Double] {
            var losses: [Double] = []
            Pretraining.train(GPT<Float>(config: config.model, seed: 1), config: config, tokenizer: tokenizer) { losses.append($1) }
            return losses
        }
        let a = run()
        #expect(a.count == 30)
        let first: Double = a.prefix(5).reduce(0, +) / 5
        let last: Double = a.suffix(5).reduce(0, +) / 5
        #expect(last < first * 0.8, "\(a)")
        #expect(a == run())
    }

    /// Evaluation grades greedy answers; an untrained model gets (almost) nothing right, and reruns agree.
    @Test func evaluationIsDeterministic() {
        let model = GPT<Float>(config: GPTConfig(vocabSize: tokenizer.vocabSize, maxSeqLen: 48, layers: 1, heads: 2, channels: 16), seed: 2)
        let grade = { (gold: String, response: String) in Grader(requireBox: true).grade(gold: gold, response: response).correct }
        let a = Pretraining.evaluate(model, tokenizer: tokenizer, families: [.add], count: 5, seed: 9, grade: grade)
        let b = Pretraining.evaluate(model, tokenizer: tokenizer, families: [.add], count: 5, seed: 9, grade: grade)
        #expect(a.map(\.correct) == b.map(\.correct) && a.map(\.boxed) == b.map(\.boxed))
        #expect(a[0].problems == 5 && a[0].correct == 0)
    }
}
