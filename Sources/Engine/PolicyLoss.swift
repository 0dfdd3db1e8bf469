import Foundation

/// The coefficients of the GRPO/PPO actor loss, with verl's defaults as the paper ran them.
public struct PolicyLossTerms: Codable, Equatable, Sendable {
    /// ε of the clipped ratio: the ratio is kept within [1 − ε, 1 + ε].
    public var clip: Double = 0.2
    /// β of the KL penalty to the frozen reference (verl's `low_var_kl` estimator).
    public var klCoefficient: Double = 0.001
    /// The entropy bonus: the loss subtracts this times the mean token entropy.
    public var entropyCoefficient: Double = 0.001
    /// The sampling temperature: log-probabilities are taken of softmax(logits / temperature), as verl does.
    public var temperature: Double = 1

    public init(clip: Double = 0.2, klCoefficient: Double = 0.001, entropyCoefficient: Double = 0.001, temperature: Double = 1) {
        self.clip = clip
        self.klCoefficient = klCoefficient
        self.entropyCoefficient = entropyCoefficient
        self.temperature = temperature
    }
}

/// What one evaluation of the loss measured, each a mean over the response tokens.
public struct PolicyLossStatistics: Equatable, Sendable {
    public var loss = 0.0
    public var policyLoss = 0.0
    public var kl = 0.0
    public var entropy = 0.0
    /// The share of tokens whose ratio was clipped (0 when the update is on-policy).
    public var clipFraction = 0.0
    public var tokens = 0

    /// Adds a micro-batch's means into this step's, weighted by its share of the step's `total` tokens.
    mutating func accumulate(_ part: PolicyLossStatistics, of total: Int) {
        let w = Double(part.tokens) / Double(max(1, total))
        loss += w * part.loss
        policyLoss += w * part.policyLoss
        kl += w * part.kl
        entropy += w * part.entropy
        clipFraction += w * part.clipFraction
        tokens += part.tokens
    }
}

/// The token-level actor loss of GRPO and PPO, over the positions that predict a response token:
///
///     L = mean_t [ max(−A·r, −A·clip(r, 1−ε, 1+ε)) + β·KL_t − c·H_t ]
///
/// with r = exp(log π(a) − log π_old(a)), KL_t = e^d − d − 1 where d = log π_ref(a) − log π(a) (verl's
/// `low_var_kl`, clamped to [−10, 10]), H_t the entropy of the tempered next-token distribution, and the
/// mean over every response token of the batch (verl's "token-mean"). Its gradient with respect to the
/// logits is written beside it, the way each layer's backward sits by its forward.
public enum PolicyLoss {
    /// Evaluates the loss over N positions of V logits. A position counts when `targets[n] ≥ 0`.
    /// `oldLogProbs` nil means on-policy (r ≡ 1); `referenceLogProbs` nil leaves the KL term out.
    /// When `dlogits` is given, dL/dlogits is added into it; `logProbs` receives log π(a) per position.
    /// `tokenCount` is the mean's denominator when these positions are one micro-batch of a larger step
    /// (default: the positions counted here); the returned statistics are means over these positions.
    public static func evaluate<T: Scalar>(logits: UnsafePointer<T>, targets: UnsafePointer<Int32>, advantages: UnsafePointer<T>,
                                           oldLogProbs: UnsafePointer<T>?, referenceLogProbs: UnsafePointer<T>?,
                                           N: Int, V: Int, terms: PolicyLossTerms, tokenCount: Int? = nil,
                                           dlogits: UnsafeMutablePointer<T>? = nil,
                                           logProbs: UnsafeMutablePointer<T>? = nil) -> PolicyLossStatistics {
        var stats = PolicyLossStatistics()
        for n in 0..<N where targets[n] >= 0 { stats.tokens += 1 }
        guard stats.tokens > 0 else { return stats }
        let inverseTemperature = T(1 / terms.temperature), perToken = T(1) / T(tokenCount ?? stats.tokens)
        let epsilon = T(terms.clip), beta = T(terms.klCoefficient), c = T(terms.entropyCoefficient)
        let probs = UnsafeMutablePointer<T>.allocate(capacity: V)
        defer { probs.deallocate() }
        var clipped = 0
        for n in 0..<N {
            let target = Int(targets[n])
            guard target >= 0 else { continue }
            let z = logits + n * V
            // log-softmax of the tempered logits, and the entropy
            var top = -T.infinity
            for v in 0..<V { top = max(top, z[v] * inverseTemperature) }
            var sum: T = 0
            for v in 0..<V { probs[v] = T.exp(z[v] * inverseTemperature - top); sum += probs[v] }
            let logSum = T.log(sum) + top
            var entropy: T = 0
            for v in 0..<V {
                probs[v] /= sum
                if probs[v] > 0 { entropy -= probs[v] * (z[v] * inverseTemperature - logSum) }
            }
            let lp = z[target] * inverseTemperature - logSum
            logProbs?[n] = lp
            // clipped policy term: dL/dlp is −A·r on the unclipped branch, 0 on the clipped one
            let advantage = advantages[n]
            let ratio = oldLogProbs.map { T.exp(lp - $0[n]) } ?? 1
            let bounded = min(max(ratio, 1 - epsilon), 1 + epsilon)
            let unclippedLoss = -advantage * ratio, clippedLoss = -advantage * bounded
            var dlp: T = 0
            if unclippedLoss >= clippedLoss {
                stats.policyLoss += Double(unclippedLoss)
                dlp = -advantage * ratio
            } else {
                stats.policyLoss += Double(clippedLoss)
                clipped += 1
            }
            // low_var_kl to the reference
            var kl: T = 0
            if let ref = referenceLogProbs {
                let d = ref[n] - lp, e = T.exp(d)
                let raw = e - d - 1
                kl = min(max(raw, -10), 10)
                if raw > -10 && raw < 10 { dlp += beta * (1 - e) }
            }
            stats.kl += Double(kl)
            stats.entropy += Double(entropy)
            stats.loss += Double(beta * kl - c * entropy) + (unclippedLoss >= clippedLoss ? Double(unclippedLoss) : Double(clippedLoss))
            guard let dz = dlogits.map({ $0 + n * V }) else { continue }
            // d lp/d z'_v = 1[v = a] − p_v;  d H/d z'_v = −p_v (log p_v + H);  z' = z / temperature
            for v in 0..<V {
                let logP = z[v] * inverseTemperature - logSum
                let dEntropy = probs[v] > 0 ? -probs[v] * (logP + entropy) : 0
                let dlpdz = (v == target ? 1 : 0) - probs[v]
                dz[v] += (dlp * dlpdz - c * dEntropy) * inverseTemperature * perToken
            }
        }
        let count = Double(stats.tokens)
        stats.loss /= count
        stats.policyLoss /= count
        stats.kl /= count
        stats.entropy /= count
        stats.clipFraction = Double(clipped) / count
        return stats
    }
}
