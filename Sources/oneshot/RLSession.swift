import ArgumentParser
import Corpus
import Engine
import Foundation
import Grading
import JSON
import Store

/// Everything that defines an RLVR run; stored as the run's config, and compared when a run resumes.
struct RLRunConfig: Codable, Equatable {
    var kind: String                 // "probe" or "train"
    var model: String
    var training: RLConfig
    var seed: UInt64
    var steps: Int
    /// The examples in the run's order; each step's batch is drawn from them (``RLSession/batch(step:)``).
    var examples: [Int64]
    /// "epochs": every example once per epoch, shuffled per epoch (probe, full pool); "repeat": the
    /// examples in turn, repeated to fill every batch (1-shot, few-shot).
    var schedule: String
    var evalEvery: Int
    var evalCount: Int
}

/// One RLVR run of the built-in engine, started or resumed: the policy (from the run's last checkpoint or
/// the base), the frozen reference, the store run it records into, and the loop.
final class RLSession {
    let store: Store
    let config: RLRunConfig
    let run: RunRecord
    let trainer: RLTrainer
    let problems: [RLProblem]
    let checkpoint: Checkpoint
    let baseTokenizer: CharTokenizer
    /// Steps already done (from the checkpoint), where the loop starts.
    let startStep: Int
    private let rewardGrader = Grader(requireBox: true)

    init(store: Store, options: RLOptions, config: RLRunConfig, purpose: RunRecord.Purpose, datasetID: Int64?) throws {
        self.store = store
        self.config = config
        checkpoint = Checkpoint(directory: options.directory + "/checkpoint")
        RLSession.recoverInterruptedSave(options.directory)
        let base = try Checkpoint(directory: options.model).load()
        baseTokenizer = base.tokenizer
        problems = try config.examples.map { id in
            guard let e = try store.example(id: id) else { throw ValidationError("example \(id) is gone from the store") }
            guard let gold = e.answer, !gold.isEmpty else { throw ValidationError("example \(id) has no gold answer to reward") }
            return RLProblem(problem: e.problem, gold: gold)
        }
        // Refused before the run is recorded, so a bad pool leaves nothing behind.
        for (i, p) in problems.enumerated() where RLTrainer.prompt(p, tokenizer: base.tokenizer, context: base.model.config.maxSeqLen) == nil {
            throw ValidationError("example \(config.examples[i]) does not fit the built-in policy (characters outside its alphabet, or too long)")
        }
        let configText = String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self)
        let policy: GPT<Float>
        if let existing = try store.run(named: options.runName) {
            guard existing.status != .done else { throw ValidationError("run '\(options.runName)' is finished; choose another --run name") }
            guard existing.config == configText else {
                throw ValidationError("run '\(options.runName)' exists with another configuration; resume it with the same flags or choose another --run name")
            }
            run = existing
            if FileManager.default.fileExists(atPath: checkpoint.configPath) {
                let saved = try checkpoint.load()
                policy = saved.model
                do { try Safetensors.loadOptimizer(into: policy, from: checkpoint.directory + "/optimizer.safetensors") } catch {
                    throw ValidationError("\(error)")
                }
                startStep = saved.config.stepsDone
            } else {
                policy = base.model
                startStep = 0
            }
            try store.rewindRun(runID: run.id, toStep: startStep == 0 ? -1 : startStep)
            if startStep > 0 { printError("resuming run '\(run.name)' from step \(startStep) (\(options.directory))") }
        } else {
            policy = base.model
            startStep = 0
            let modelHash = try SHA256.hex(of: Data(contentsOf: URL(fileURLWithPath: options.model + "/model.safetensors")))
            run = try store.startRun(NewRun(name: options.runName, engine: "builtin", purpose: purpose, datasetID: datasetID,
                                            config: configText, seed: Int64(bitPattern: config.seed),
                                            inputs: JSONValue.object(JSONObject([options.model + "/model.safetensors": .string(modelHash)])).serialized),
                                     examples: config.examples)
        }
        let reference = GPT<Float>(copying: base.model)
        var critic: (model: GPT<Float>, head: ValueHead)?
        if config.training.algorithm == .ppo {
            // The critic starts from the base's trunk with a fresh value head, or from the checkpoint's.
            let model = GPT<Float>(copying: base.model)
            let head = ValueHead(channels: model.config.channels, seed: config.seed &+ 0xC217)
            if startStep > 0 {
                let dir = checkpoint.directory
                do {
                    try Safetensors.load(into: model, from: dir + "/critic.safetensors")
                    try Safetensors.loadOptimizer(into: model, from: dir + "/critic-optimizer.safetensors")
                    try head.load(from: dir + "/value-head.safetensors")
                } catch { throw ValidationError("\(error)") }
            }
            critic = (model, head)
        }
        let grader = rewardGrader
        trainer = RLTrainer(policy: policy, reference: reference, critic: critic, tokenizer: base.tokenizer, config: config.training,
                              workers: options.engineOptions.threads) {
            grader.grade(gold: $0, response: $1).correct
        }
    }

    /// Indices into ``problems`` of step `step`'s batch (0-based): deterministic, so a resumed run repeats it.
    func batch(step: Int) -> (indices: [Int], epoch: Int) {
        let P = config.training.promptsPerStep, n = problems.count
        if config.schedule == "repeat" { return ((0..<P).map { $0 % n }, step) }
        let perEpoch = (n + P - 1) / P, epoch = step / perEpoch
        var order = Array(0..<n)
        var rng = SplitMix64(seed: config.seed &+ 0x9E37_79B9 &* UInt64(epoch + 1))
        order.shuffle(using: &rng)
        let start = (step % perEpoch) * P
        return (Array(order[start..<min(n, start + P)]), epoch)
    }

    /// Runs steps from ``startStep`` to the end: each step's metrics and per-example accuracy go to the store,
    /// evaluations every `evalEvery` steps (and at step 0), checkpoints every `saveEvery`.
    func train(saveEvery: Int, progress: ProgressLine) throws -> [(step: Int, metrics: JSONObject)] {
        var log: [(Int, JSONObject)] = []
        if startStep == 0 && config.evalEvery > 0 { try evaluate(step: 0) }
        for step in startStep..<config.steps {
            let (indices, epoch) = batch(step: step)
            var rng = SeededGenerator(seed: config.seed &+ 0x5851_F42D &* UInt64(step + 1))
            let result = trainer.step(indices.map { problems[$0] }, rng: &rng)
            var perExample: [Int: (correct: Int, sampled: Int)] = [:]
            for (i, group) in zip(indices, result.groups) {
                perExample[i, default: (0, 0)].correct += group.correct
                perExample[i, default: (0, 0)].sampled += group.sampled
            }
            let points = perExample.sorted { $0.key < $1.key }.map { i, counts in
                (exampleID: config.examples[i], point: TrajectoryPoint(epoch: epoch, step: step + 1, correct: counts.correct, sampled: counts.sampled))
            }
            let s = result.statistics
            let metrics = JSONObject([
                "reward": .double(result.meanReward), "loss": .double(s.loss), "pg_loss": .double(s.policyLoss), "kl": .double(s.kl),
                "entropy": .double(s.entropy), "clip_fraction": .double(s.clipFraction), "response_length": .double(result.meanResponseLength),
                "reflection_rate": .double(Double(result.responses.filter(SelfReflection.isReflective).count) / Double(max(1, result.responses.count))),
                "grad_norm": .double(result.gradientNorm), "value_loss": .double(result.valueLoss), "tokens": .int(Int64(s.tokens)), "epoch": .int(Int64(epoch)),
                "seconds_sampling": .double(result.seconds.sampling), "seconds_reference": .double(result.seconds.reference),
                "seconds_update": .double(result.seconds.update),
                "example_response": .string(result.groups.first?.example ?? "")])
            try store.recordStep(runID: run.id, step: step + 1, metrics: JSONValue.object(metrics).serialized, points: points)
            log.append((step + 1, metrics))
            if config.evalEvery > 0 && (step + 1) % config.evalEvery == 0 { try evaluate(step: step + 1) }
            if (step + 1) % saveEvery == 0 || step + 1 == config.steps { try save(stepsDone: step + 1) }
            progress.update(step + 1, note: String(format: "reward %.2f", result.meanReward))
        }
        progress.finish()
        try store.finishRun(runID: run.id, status: .done)
        return log
    }

    /// Greedy accuracy (the reward's grader: boxed answers only) on fresh problems of every task family.
    func evaluate(step: Int) throws {
        let grader = rewardGrader
        for family in TaskFamily.allCases {
            let problems = PolicyEvaluation.heldOutProblems(family, count: config.evalCount, seed: 7_777)
            let e = PolicyEvaluation.run(trainer.policy, tokenizer: baseTokenizer, problems: problems, samples: 1, temperature: 0,
                                         seed: 7_777) { verdict(grader, $0, $1) }
            try store.recordEvaluation(runID: run.id, EvaluationRecord(
                step: step, benchmark: "synth:" + family.rawValue, problems: e.problems, samples: e.samples, correct: e.correct,
                solved: e.solved, boxed: e.boxed, meanLength: e.meanLength, temperature: 0, majority: e.majority, reflective: e.reflective))
        }
    }

    /// Writes the checkpoint beside the last one, then swaps them, so a kill at any moment leaves one whole
    /// checkpoint (``recoverInterruptedSave(_:)`` finishes an interrupted swap).
    private func save(stepsDone: Int) throws {
        let fm = FileManager.default, partial = Checkpoint(directory: checkpoint.directory + ".partial"), old = checkpoint.directory + ".old"
        do {
            try? fm.removeItem(atPath: partial.directory)
            try partial.save(trainer.policy, tokenizer: baseTokenizer, pretraining: nil, stepsDone: stepsDone)
            try Safetensors.saveOptimizer(trainer.policy, to: partial.directory + "/optimizer.safetensors")
            if let critic = trainer.critic {
                try Safetensors.save(critic.model, to: partial.directory + "/critic.safetensors")
                try Safetensors.saveOptimizer(critic.model, to: partial.directory + "/critic-optimizer.safetensors")
                try critic.head.save(to: partial.directory + "/value-head.safetensors")
            }
            if fm.fileExists(atPath: checkpoint.directory) { try fm.moveItem(atPath: checkpoint.directory, toPath: old) }
            try fm.moveItem(atPath: partial.directory, toPath: checkpoint.directory)
            try? fm.removeItem(atPath: old)
        } catch {
            throw ValidationError("cannot write the checkpoint in \(checkpoint.directory): \(error)")
        }
    }

    /// After a kill between the two renames of ``save(stepsDone:)`` only `checkpoint.old` is whole: put it back.
    static func recoverInterruptedSave(_ directory: String) {
        let fm = FileManager.default, current = directory + "/checkpoint", old = current + ".old"
        if !fm.fileExists(atPath: current) && fm.fileExists(atPath: old) { try? fm.moveItem(atPath: old, toPath: current) }
        try? fm.removeItem(atPath: current + ".partial")
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys: the same value always gives the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
