import ArgumentParser
import Engine
import Foundation
import Grading
import JSON

/// `oneshot engine pretrain`: supervised next-token training of the built-in base policy.
struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pretrain the base policy on generated tasks and write a checkpoint directory.",
        discussion: """
            Trains on a fresh stream of generated problems of the training families (\(TaskFamily.training.map(\.rawValue).joined(separator: ", "))); \
            a share of the solutions (--unboxed-share) end in "answer N" instead of \\boxed{N}, so the base uses \
            the reward's format only part of the time. The checkpoint (model.safetensors, config.json, \
            tokenizer.json) is written every --save-every steps and at the end, then every family, the held-out \
            add3 included, is evaluated greedily. Same seed and one thread: the same model.
            """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "The checkpoint directory to write.")
    var out: String

    @Option(help: "Optimizer steps.")
    var steps: Int = 2000

    @Option(help: "Sequences per step.")
    var batchSize: Int = 32

    @Option(help: "Peak learning rate (cosine schedule after warm-up).")
    var lr: Double = 1e-3

    @Option(help: "Random seed (weights and data).")
    var seed: UInt64 = 0

    @Option(help: "Share of solutions that end in a plain \"answer N\".")
    var unboxedShare: Double = 0.5

    @Option(help: "Transformer layers.")
    var layers: Int = 4

    @Option(help: "Channels (model width).")
    var channels: Int = 128

    @Option(help: "Attention heads.")
    var heads: Int = 4

    @Option(help: "Context length in characters.")
    var context: Int = 128

    @Option(help: "Write the checkpoint every this many steps (0: only at the end).")
    var saveEvery: Int = 500

    @Option(help: "Problems per family in the final evaluation.")
    var evalCount: Int = 200

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    func validate() throws {
        guard steps > 0, batchSize > 0, lr > 0, layers > 0, heads > 0, context >= 32 else {
            throw ValidationError("--steps, --batch-size, --lr, --layers and --heads must be positive; --context at least 32")
        }
        guard channels % heads == 0 else { throw ValidationError("--channels (\(channels)) must be a multiple of --heads (\(heads))") }
        guard (0...1).contains(unboxedShare) else { throw ValidationError("--unboxed-share must be in [0, 1]") }
    }

    mutating func run() throws {
        let tokenizer = CharTokenizer(alphabet: TaskGenerator.alphabet)
        var config = PretrainConfig.base(steps: steps, seed: seed)
        config.model = GPTConfig(vocabSize: tokenizer.vocabSize, maxSeqLen: context, layers: layers, heads: heads, channels: channels)
        config.batchSize = batchSize
        config.learningRate = lr
        config.unboxedShare = unboxedShare
        let model = GPT<Float>(config: config.model, seed: seed)
        let checkpoint = Checkpoint(directory: out)
        let progress = ProgressLine("pretrain steps", total: steps)
        let start = Date()
        var recentLoss: [Double] = [], saveError: Error?
        Pretraining.train(model, config: config, tokenizer: tokenizer, workers: engine.threads) { step, loss in
            recentLoss = Array((recentLoss + [loss]).suffix(50))
            progress.update(step + 1)
            if saveEvery > 0, (step + 1) % saveEvery == 0, step + 1 < steps, saveError == nil {
                do { try checkpoint.save(model, tokenizer: tokenizer, pretraining: config, stepsDone: step + 1) } catch { saveError = error }
            }
        }
        progress.finish()
        if let saveError { throw ValidationError("cannot write \(out): \(saveError)") }
        let seconds = Date().timeIntervalSince(start)
        do { try checkpoint.save(model, tokenizer: tokenizer, pretraining: config, stepsDone: steps) } catch {
            throw ValidationError("cannot write \(out): \(error)")
        }
        let tokensPerSecond = Double(steps * batchSize * context) / seconds
        let evaluations = FamilyReport.evaluate(model, tokenizer: tokenizer, count: evalCount, seed: seed &+ 7_777)
        let finalLoss = recentLoss.reduce(0, +) / Double(max(1, recentLoss.count))
        if json {
            printJSON(.object(JSONObject([
                "checkpoint": .string(out), "steps": .int(Int64(steps)), "seconds": .double(seconds),
                "tokens_per_second": .double(tokensPerSecond), "final_loss": .double(finalLoss),
                "families": FamilyReport.json(evaluations)])))
        } else {
            print(String(format: "%@: %d steps in %.0f s (%.0f tokens/s), loss %.3f (mean of the last 50 steps)",
                         out, steps, seconds, tokensPerSecond, finalLoss))
            print(FamilyReport.table(evaluations))
        }
    }
}
