import Testing
@testable import Engine

@Suite struct DataParallelTests {
    /// The gradients of a batch computed in pieces on two workers equal the whole batch's on one, to float
    /// rounding; the replicas read the model's weights and leave them alone.
    @Test func twoWorkersGiveTheWholeBatchGradient() {
        let config = GPTConfig(vocabSize: 11, maxSeqLen: 8, layers: 2, heads: 2, channels: 16)
        let model = GPT<Float>(config: config, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let B = 10, T = 8
        let tokens = (0..<(B * T)).map { _ in Int32(rng.uniform() * 11) }
        let targets = (0..<(B * T)).map { i in i % 3 == 0 ? -1 : Int32(rng.uniform() * 11) }
        model.zeroGradients()
        let loss = model.forward(tokens: tokens, targets: targets, B: B, T: T)
        model.backward()
        let whole = Array(model.grads), weights = Array(model.params)
        let parallelLoss = Pretraining.gradients(DataParallel(model: model, workers: 2), tokens: tokens, targets: targets, B: B, T: T)
        #expect(abs(parallelLoss - loss) < 1e-5)
        let worst = zip(whole, model.grads).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-6 && whole.contains { $0 != 0 })
        #expect(Array(model.params) == weights)
    }

    /// With one worker the pieces run in order on the calling thread: the same numbers as a plain loop.
    @Test func oneWorkerIsAPlainLoop() {
        let model = GPT<Float>(config: GPTConfig(vocabSize: 5, maxSeqLen: 4, layers: 1, heads: 1, channels: 4), seed: 1)
        var order: [Int] = []
        DataParallel(model: model, workers: 1).run(pieces: 5) { replica, piece in
            #expect(replica === model)
            order.append(piece)
        }
        #expect(order == [0, 1, 2, 3, 4])
    }
}
