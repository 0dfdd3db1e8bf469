import Foundation

/// AdamW (decoupled weight decay) with global gradient-norm clipping, as llm.c and PyTorch define it.
public struct AdamW: Sendable {
    public var learningRate: Double
    public var beta1 = 0.9
    public var beta2 = 0.95
    public var epsilon = 1e-8
    public var weightDecay = 0.0
    /// Gradients are scaled down when their global L2 norm exceeds this (0: no clipping).
    public var maxGradNorm = 1.0

    public init(learningRate: Double, weightDecay: Double = 0, maxGradNorm: Double = 1) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
    }

    /// The learning rate at `step` of `total`: linear warm-up, then cosine decay to 10%.
    public func scheduled(step: Int, total: Int, warmup: Int) -> Double {
        if step < warmup { return learningRate * Double(step + 1) / Double(warmup) }
        let progress = Double(step - warmup) / Double(max(1, total - warmup))
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * min(1, progress))))
    }
}

extension GPT {
    /// Applies one AdamW update from ``grads`` (clipped first); returns the gradient norm before clipping.
    @discardableResult
    public func update(_ optimizer: AdamW, learningRate: Double? = nil) -> Double {
        // The squared norm in Double, from partial sums of 1,024 gradients each in the model's precision.
        var norm2 = 0.0
        for start in stride(from: 0, to: grads.count, by: 1024) {
            norm2 += Double(Lanes.dot(grads.baseAddress! + start, grads.baseAddress! + start, count: min(1024, grads.count - start)))
        }
        let norm = norm2.squareRoot()
        let scale = optimizer.maxGradNorm > 0 && norm > optimizer.maxGradNorm ? optimizer.maxGradNorm / norm : 1
        let state = optimizerState()
        let t = Double(state.step)
        let lr = learningRate ?? optimizer.learningRate
        let c1 = 1 - pow(optimizer.beta1, t), c2 = 1 - pow(optimizer.beta2, t)
        optimizer.step(params.baseAddress!, grads: grads.baseAddress!, m: state.m.baseAddress!, v: state.v.baseAddress!,
                       count: params.count, scale: T(scale), learningRate: T(lr), c1: T(c1), c2: T(c2))
        return norm
    }
}

extension AdamW {
    /// The update of n parameters, eight at a time: moments from the gradients scaled by `scale`, then
    /// params −= lr · (m̂ / (√v̂ + ε) + weightDecay · params), with c1, c2 the bias corrections.
    func step<T: Scalar>(_ params: UnsafeMutablePointer<T>, grads: UnsafePointer<T>, m: UnsafeMutablePointer<T>,
                         v: UnsafeMutablePointer<T>, count n: Int, scale: T, learningRate lr: T, c1: T, c2: T) {
        let (b1, b2, eps, wd) = (T(beta1), T(beta2), T(epsilon), T(weightDecay))
        var i = 0
        while i + 8 <= n {
            let g = Lanes.load(grads, i) * scale
            let mi = b1 * Lanes.load(m, i) + (1 - b1) * g, vi = b2 * Lanes.load(v, i) + (1 - b2) * g * g
            Lanes.store(mi, m, i)
            Lanes.store(vi, v, i)
            let p = Lanes.load(params, i)
            Lanes.store(p - lr * ((mi / c1) / ((vi / c2).squareRoot() + eps) + wd * p), params, i)
            i += 8
        }
        while i < n {
            let g = grads[i] * scale
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            params[i] -= lr * ((m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + wd * params[i])
            i += 1
        }
    }
}
