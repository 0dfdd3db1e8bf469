/// A model's matrix weights copied into ``PackedGEMM`` panels, in the two layouts the linear layers read:
/// for the forward product (out = in·Wᵀ) and for the input gradient (din = dout·W).
///
/// Refilled from the parameters by ``GPT/withPackedWeights(_:)`` at the start of a step, read by every piece
/// of the step; the parameters must not change while it is in use.
final class PackedWeights<T: Scalar> {
    private let buffer: UnsafeMutableBufferPointer<T>
    private var forwardOffsets: [String: Int] = [:], backwardOffsets: [String: Int] = [:]
    private var shapes: [(key: String, offset: Int, OC: Int, C: Int)]

    /// Room for the model's packed weights: each layer's qkvw, attprojw, fcw and fcprojw ([OC, C] each) and the
    /// tied head (wte).
    init(_ model: GPT<T>) {
        let c = model.config, C = c.channels
        shapes = [("wte", model.layout.offset("wte"), c.vocabSize, C)]
        for (name, OC, width) in [("qkvw", 3 * C, C), ("attprojw", C, C), ("fcw", 4 * C, C), ("fcprojw", C, 4 * C)] {
            for l in 0..<c.layers { shapes.append(("\(name)\(l)", model.layout.offset(name) + l * OC * width, OC, width)) }
        }
        var size = 0
        for s in shapes {
            forwardOffsets[s.key] = size
            size += PackedGEMM.panelSize(K: s.C, N: s.OC)
            backwardOffsets[s.key] = size
            size += PackedGEMM.panelSize(K: s.OC, N: s.C)
        }
        buffer = CacheAligned.allocate(count: size)   // panels are whole cache lines: each starts on one
    }

    /// Packs the model's current weights.
    func fill(from model: GPT<T>) {
        let params = UnsafePointer(model.params.baseAddress!)
        for s in shapes {
            let w = params + s.offset
            PackedGEMM.pack(w, K: s.C, N: s.OC, kStride: 1, jStride: s.C, into: buffer.baseAddress! + forwardOffsets[s.key]!)
            PackedGEMM.pack(w, K: s.OC, N: s.C, kStride: s.C, jStride: 1, into: buffer.baseAddress! + backwardOffsets[s.key]!)
        }
    }

    deinit { CacheAligned.deallocate(buffer) }

    /// Panels of weight `name` (of `layer`; none for wte) for the forward product.
    func forward(_ name: String, _ layer: Int? = nil) -> UnsafePointer<T> {
        UnsafePointer(buffer.baseAddress! + forwardOffsets[name + (layer.map(String.init) ?? "")]!)
    }

    /// Panels of weight `name` (of `layer`; none for wte) for the input gradient.
    func backward(_ name: String, _ layer: Int? = nil) -> UnsafePointer<T> {
        UnsafePointer(buffer.baseAddress! + backwardOffsets[name + (layer.map(String.init) ?? "")]!)
    }
}
