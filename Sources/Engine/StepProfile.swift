import Foundation

/// Where a model's forward and backward passes spend their time: wall-clock seconds and floating-point operations
/// per kind of operation, summed over every call made while the profile is attached (``GPT/profile``).
///
/// It measures the matrix products inside a training step, where their operands come from the caches as the step
/// leaves them, rather than alone on warm data (`oneshot-bench engine-profile`, BENCHMARKS.md). A detached model
/// pays one test per operation. Replicas of a model do not share its profile.
public final class StepProfile {
    /// The kinds of operation timed, in the order of a step.
    public enum Operation: String, CaseIterable, Sendable {
        case encoder = "embeddings"
        case layerNorm = "layer norms"
        case linear = "linear layers"
        case attention = "attention"
        case gelu = "GELU"
        case crossEntropy = "softmax cross-entropy"
        case crossEntropyBackward = "softmax cross-entropy, backward"
        case linearInputGradients = "linear layers, input gradients"
        case linearWeightGradients = "linear layers, weight gradients"
        case biasGradients = "linear layers, bias gradients"
        case geluBackward = "GELU, backward"
        case attentionBackward = "attention, backward"
        case layerNormBackward = "layer norms, backward"
        case encoderBackward = "embeddings, backward"
    }

    /// Seconds spent in each operation.
    public private(set) var seconds: [Operation: Double] = [:]
    /// Floating-point operations of the matrix products in each operation (2 per multiply-add): the linear layers'
    /// and attention's (under the causal mask, T(T+1)/2 query-key pairs; its time includes its softmax and packing).
    public private(set) var flops: [Operation: Double] = [:]

    public init() {}

    /// Forgets everything measured so far (after warm-up steps, say).
    public func reset() {
        seconds = [:]
        flops = [:]
    }

    /// The rate of `operation`'s matrix products, in GFLOP/s; nil for one without products or never timed.
    public func gigaflopsPerSecond(_ operation: Operation) -> Double? {
        guard let s = seconds[operation], s > 0, let f = flops[operation] else { return nil }
        return f / s / 1e9
    }

    /// Runs `body`, adding its wall-clock time (and `flops`) to `operation`.
    @inline(__always) func measure<R>(_ operation: Operation, flops: Int = 0, _ body: () -> R) -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        seconds[operation, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if flops > 0 { self.flops[operation, default: 0] += Double(flops) }
        return result
    }
}
