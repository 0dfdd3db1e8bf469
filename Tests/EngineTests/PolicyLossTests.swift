import Foundation
import Testing
@testable import Engine

@Suite struct PolicyLossTests {
    let N = 7, V = 5

    func loss(_ logits: [Double], targets: [Int32], advantages: [Double], old: [Double]?, ref: [Double]?,
              terms: PolicyLossTerms, dlogits: UnsafeMutablePointer<Double>? = nil) -> PolicyLossStatistics {
        let oldBuffer = old.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: $0.count) }
        let refBuffer = ref.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: $0.count) }
        defer { oldBuffer?.deallocate(); refBuffer?.deallocate() }
        if let old { _ = oldBuffer!.initialize(from: old) }
        if let ref { _ = refBuffer!.initialize(from: ref) }
        return PolicyLoss.evaluate(logits: logits, targets: targets, advantages: advantages,
                                   oldLogProbs: oldBuffer.map { UnsafePointer($0.baseAddress!) },
                                   referenceLogProbs: refBuffer.map { UnsafePointer($0.baseAddress!) },
                                   N: N, V: V, terms: terms, dlogits: dlogits)
    }

    /// dL/dlogits of every term (clipped ratio on both branches, low_var_kl, entropy, temperature) agrees
    /// with central finite differences of the loss.
    @Test(arguments: [PolicyLossTerms(), PolicyLossTerms(clip: 0.1, klCoefficient: 0.5, entropyCoefficient: 0.3, temperature: 0.7),
                      PolicyLossTerms(klCoefficient: 0, entropyCoefficient: 0)])
    func gradientMatchesFiniteDifferences(terms: PolicyLossTerms) {
        var g = Generator(seed: 11)
        let logits = g.values(N * V, scale: 2)
        let targets: [Int32] = [2, -1, 0, 4, 1, -1, 3]
        let advantages = g.values(N, scale: 1.5)
        let old = g.values(N, scale: 0.6).map { $0 - 1.6 }   // ratios well off 1: some clip, some do not
        let ref = g.values(N, scale: 0.6).map { $0 - 1.6 }
        var analytic = [Double](repeating: 0, count: N * V)
        let stats = loss(logits, targets: targets, advantages: advantages, old: old, ref: ref, terms: terms, dlogits: &analytic)
        #expect(stats.tokens == 5)
        let h = 1e-6
        for i in 0..<(N * V) {
            var plus = logits, minus = logits
            plus[i] += h
            minus[i] -= h
            let numeric = (loss(plus, targets: targets, advantages: advantages, old: old, ref: ref, terms: terms).loss
                           - loss(minus, targets: targets, advantages: advantages, old: old, ref: ref, terms: terms).loss) / (2 * h)
            #expect(abs(numeric - analytic[i]) < 1e-7 + 1e-5 * abs(numeric), "logit \(i)")
        }
        if terms.clip == 0.2 { #expect(stats.clipFraction > 0 && stats.clipFraction < 1) }
    }

    /// On-policy with zero advantages and no reference, the loss is exactly −c·(mean entropy); with a uniform
    /// distribution the entropy is log V.
    @Test func entropyOnlyLossIsTheNegatedEntropy() {
        let logits = [Double](repeating: 0.3, count: N * V)
        let targets = [Int32](repeating: 1, count: N)
        let stats = loss(logits, targets: targets, advantages: .init(repeating: 0, count: N), old: nil, ref: nil,
                         terms: PolicyLossTerms(entropyCoefficient: 1))
        #expect(abs(stats.entropy - Foundation.log(Double(V))) < 1e-12)
        #expect(abs(stats.loss + stats.entropy) < 1e-12)
        #expect(stats.kl == 0 && stats.clipFraction == 0)
    }

    /// The policy's own log-probabilities as reference give KL 0; a positive advantage raises the target's
    /// logit (the gradient step goes up its log-probability).
    @Test func klVanishesAtTheReferenceAndAdvantagePushesTheTarget() {
        var g = Generator(seed: 3)
        let logits = g.values(N * V)
        let targets: [Int32] = [0, 1, 2, 3, 4, 0, 1]
        var lps = [Double](repeating: 0, count: N)
        _ = PolicyLoss.evaluate(logits: logits, targets: targets, advantages: [Double](repeating: 1, count: N), oldLogProbs: nil,
                                referenceLogProbs: nil, N: N, V: V, terms: PolicyLossTerms(), logProbs: &lps)
        var d = [Double](repeating: 0, count: N * V)
        let stats = loss(logits, targets: targets, advantages: .init(repeating: 1, count: N), old: nil, ref: lps,
                         terms: PolicyLossTerms(entropyCoefficient: 0), dlogits: &d)
        #expect(abs(stats.kl) < 1e-15)
        for n in 0..<N { #expect(d[n * V + Int(targets[n])] < 0) }
    }
}
