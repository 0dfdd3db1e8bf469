import Foundation

/// PPO's value head on a critic's final hidden states: value = hidden · w + b, one number per position, with
/// its own AdamW moments (the critic's trunk has the model's). Forward and backward side by side.
public final class ValueHead {
    public let channels: Int
    /// w (channels values) then b.
    public private(set) var parameters: [Float]
    private var gradients: [Float]
    private var m: [Float], v: [Float], step = 0

    /// Small random weights (normal(0, 0.02), seeded) and a zero bias.
    public init(channels: Int, seed: UInt64) {
        self.channels = channels
        var rng = NormalGenerator(seed: seed)
        parameters = (0..<channels).map { _ in Float(rng.next() * 0.02) } + [0]
        gradients = .init(repeating: 0, count: channels + 1)
        m = gradients
        v = gradients
    }

    /// values[n] = hidden[n] · w + b for n in 0..<N.
    public func forward(_ hidden: UnsafePointer<Float>, N: Int) -> [Float] {
        let C = channels
        return (0..<N).map { n in
            var sum = parameters[C]
            for i in 0..<C { sum += hidden[n * C + i] * parameters[i] }
            return sum
        }
    }

    /// Given dLoss/dvalues: accumulates dw, db and adds dLoss/dhidden into `dhidden`.
    public func backward(_ dvalues: [Float], _ hidden: UnsafePointer<Float>, _ dhidden: UnsafeMutablePointer<Float>) {
        let C = channels
        for (n, d) in dvalues.enumerated() where d != 0 {
            for i in 0..<C {
                gradients[i] += d * hidden[n * C + i]
                dhidden[n * C + i] += d * parameters[i]
            }
            gradients[C] += d
        }
    }

    /// One AdamW step (the optimizer's betas and epsilon, no weight decay), then zeroes the gradients.
    public func update(_ optimizer: AdamW, learningRate: Double) {
        step += 1
        let c1 = 1 - pow(optimizer.beta1, Double(step)), c2 = 1 - pow(optimizer.beta2, Double(step))
        for i in parameters.indices {
            let g = Double(gradients[i])
            m[i] = Float(optimizer.beta1 * Double(m[i]) + (1 - optimizer.beta1) * g)
            v[i] = Float(optimizer.beta2 * Double(v[i]) + (1 - optimizer.beta2) * g * g)
            parameters[i] -= Float(learningRate * (Double(m[i]) / c1) / ((Double(v[i]) / c2).squareRoot() + optimizer.epsilon))
            gradients[i] = 0
        }
    }

    /// Writes the weights and the optimizer state as safetensors (w, b, adam_m, adam_v; step in the metadata).
    public func save(to path: String) throws {
        let C = channels
        try parameters.withUnsafeBufferPointer { p in
            try m.withUnsafeBufferPointer { m in
                try v.withUnsafeBufferPointer { v in
                    try Safetensors.write([("w", [C], UnsafeBufferPointer(rebasing: p[0..<C])), ("b", [1], UnsafeBufferPointer(rebasing: p[C...])),
                                           ("adam_m", [C + 1], m), ("adam_v", [C + 1], v)], to: path, metadata: ["step": String(step)])
                }
            }
        }
    }

    /// Restores what ``save(to:)`` wrote.
    public func load(from path: String) throws {
        let file = try Safetensors.File(path)
        let C = channels
        try parameters.withUnsafeMutableBufferPointer { p in
            try file.read("w", shape: [C], into: p.baseAddress!)
            try file.read("b", shape: [1], into: p.baseAddress! + C)
        }
        try m.withUnsafeMutableBufferPointer { try file.read("adam_m", shape: [C + 1], into: $0.baseAddress!) }
        try v.withUnsafeMutableBufferPointer { try file.read("adam_v", shape: [C + 1], into: $0.baseAddress!) }
        step = file.metadata["step"].flatMap(Int.init) ?? 0
    }
}
