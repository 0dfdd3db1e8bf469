import Testing
@testable import Engine

@Suite struct StepProfileTests {
    let config = GPTConfig(vocabSize: 11, maxSeqLen: 16, layers: 2, heads: 2, channels: 8)

    /// One forward and backward pass on packed weights (the path training takes): its loss and gradients.
    func pass(_ model: GPT<Float>, tokens: [Int32], targets: [Int32], B: Int, T: Int) -> (Float, [Float]) {
        model.withPackedWeights {
            model.zeroGradients()
            let loss = model.forward(tokens: tokens, targets: targets, B: B, T: T)
            model.backward()
            return (loss, Array(model.grads))
        }
    }

    /// Timing a step changes nothing in it; every operation is timed, and the products' FLOPs are the model's:
    /// per token 2 per multiply-add of every weight matrix (the tied head's included) once forward, once for the
    /// input gradients and once for the weight gradients; attention's two products forward and four backward over
    /// the T(T+1)/2 causal query-key pairs of each sequence.
    @Test func profilingKeepsTheResultsAndCountsTheModelsFLOPs() {
        let (B, T) = (2, 12)
        var g = Generator(seed: 5)
        let tokens = (0..<(B * T)).map { _ in Int32(g.uniform() * 11) }, targets = (0..<(B * T)).map { _ in Int32(g.uniform() * 11) }
        let plain = GPT<Float>(config: config, seed: 7), profiled = GPT<Float>(config: config, seed: 7)
        let profile = StepProfile()
        profiled.profile = profile
        let (plainLoss, plainGrads) = pass(plain, tokens: tokens, targets: targets, B: B, T: T)
        let (profiledLoss, profiledGrads) = pass(profiled, tokens: tokens, targets: targets, B: B, T: T)
        #expect(profiledLoss == plainLoss)
        #expect(profiledGrads == plainGrads)

        #expect(Set(profile.seconds.keys) == Set(StepProfile.Operation.allCases))
        #expect(profile.seconds.values.allSatisfy { $0 > 0 })
        let (L, C, V) = (config.layers, config.channels, config.vocabSize)
        let linear = Double(2 * B * T * (12 * C * C * L + C * V))
        #expect(profile.flops[.linear] == linear)
        #expect(profile.flops[.linearInputGradients] == linear)
        #expect(profile.flops[.linearWeightGradients] == linear)
        #expect(profile.flops[.attention] == Double(2 * B * C * T * (T + 1) * L))
        #expect(profile.flops[.attentionBackward] == Double(4 * B * C * T * (T + 1) * L))
        #expect(profile.flops[.gelu] == nil && profile.gigaflopsPerSecond(.gelu) == nil)
        #expect((profile.gigaflopsPerSecond(.linear) ?? 0) > 0)

        // A second pass adds to the first; reset forgets both.
        _ = pass(profiled, tokens: tokens, targets: targets, B: B, T: T)
        #expect(profile.flops[.linear] == 2 * linear)
        profile.reset()
        #expect(profile.seconds.isEmpty && profile.flops.isEmpty)
    }
}
