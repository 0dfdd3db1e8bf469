import Foundation

/// Spreads one step's forward and backward passes over worker threads. Each worker has a replica of the model
/// (the same weights, its own gradients and activations) and OpenBLAS runs one thread per caller. Workers take
/// pieces of the step from a shared counter, so a worker whose core is busy simply takes fewer pieces and
/// nobody spins waiting for it: on a loaded 2-core machine two workers are never much slower than one, unlike
/// OpenBLAS's own spin-waiting threads (4-10x slower there). Gradients are summed into the model in worker
/// order. With one worker everything runs on the calling thread, in piece order, bit for bit as a plain loop.
public final class DataParallel: @unchecked Sendable {
    public let model: GPT<Float>
    /// replicas[0] is the model itself.
    private let replicas: [GPT<Float>]

    public init(model: GPT<Float>, workers: Int) {
        self.model = model
        replicas = [model] + (1..<max(1, workers)).map { _ in GPT<Float>(replicaOf: model) }
    }

    public var workers: Int { replicas.count }

    /// Runs `body(replica, piece)` for every piece in 0..<pieces. Each replica's gradients start at zero and
    /// are added into `model.grads` at the end; `body` must only read shared state, or guard its writes.
    public func run(pieces: Int, _ body: (GPT<Float>, Int) -> Void) {
        model.withPackedWeights { runPieces(pieces, body) }   // the weights are packed once for all pieces
    }

    private func runPieces(_ pieces: Int, _ body: (GPT<Float>, Int) -> Void) {
        for replica in replicas { replica.zeroGradients() }
        if replicas.count == 1 || pieces <= 1 {
            for piece in 0..<pieces { body(model, piece) }
            return
        }
        BLASThreads.set(1)
        let next = NSLock()
        nonisolated(unsafe) var claimed = 0
        nonisolated(unsafe) let work = body
        nonisolated(unsafe) let replicas = self.replicas
        DispatchQueue.concurrentPerform(iterations: replicas.count) { worker in
            while true {
                next.lock()
                let piece = claimed
                claimed += 1
                next.unlock()
                guard piece < pieces else { break }
                work(replicas[worker], piece)
            }
        }
        let total = model.grads.baseAddress!
        for replica in replicas.dropFirst() {
            let g = replica.grads.baseAddress!
            for i in 0..<model.layout.count { total[i] += g[i] }
        }
    }
}
