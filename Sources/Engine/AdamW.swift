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
        var norm2 = 0.0
        for i in 0..<grads.count { let v = Double(grads[i]); norm2 += v * v }
        let norm = norm2.squareRoot()
        let scale = optimizer.maxGradNorm > 0 && norm > optimizer.maxGradNorm ? optimizer.maxGradNorm / norm : 1
        let state = optimizerState()
        let t = Double(state.step)
        let lr = learningRate ?? optimizer.learningRate
        let c1 = 1 - pow(optimizer.beta1, t), c2 = 1 - pow(optimizer.beta2, t)
        for i in 0..<params.count {
            let grad = Double(grads[i]) * scale
            let m = optimizer.beta1 * Double(state.m[i]) + (1 - optimizer.beta1) * grad
            let v = optimizer.beta2 * Double(state.v[i]) + (1 - optimizer.beta2) * grad * grad
            state.m[i] = T(m)
            state.v[i] = T(v)
            let step = (m / c1) / ((v / c2).squareRoot() + optimizer.epsilon) + optimizer.weightDecay * Double(params[i])
            params[i] = T(Double(params[i]) - lr * step)
        }
        return norm
    }
}
