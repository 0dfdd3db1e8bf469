import Foundation

/// Runs `produce` on a second thread and `consume` on this one, handing items over in batches through a
/// bounded queue: parsing a file overlaps with writing it to SQLite on the machine's other core.
///
/// If `consume` throws, the producer is told to stop (its `emit` returns false) and the error is rethrown
/// after it has finished; if `produce` throws, its error is rethrown once the items before it are consumed.
func pipelined<Item: Sendable>(batchSize: Int = 1, depth: Int = 8,
                               produce: @escaping @Sendable (_ emit: (Item) -> Bool) throws -> Void,
                               consume: (Item) throws -> Void) throws {
    let queue = BatchQueue<Item>(depth: depth)
    let thread = Thread {
        var batch: [Item] = []
        batch.reserveCapacity(batchSize)
        var error: Error?
        do {
            try produce { item in
                batch.append(item)
                if batch.count >= batchSize {
                    guard queue.put(batch) else { return false }
                    batch.removeAll(keepingCapacity: true)
                }
                return !queue.isCancelled
            }
        } catch let e {
            error = e
        }
        if !batch.isEmpty { _ = queue.put(batch) }
        queue.finish(error: error)
    }
    thread.stackSize = 8 << 20
    thread.start()
    do {
        while let batch = try queue.take() {
            for item in batch { try consume(item) }
        }
    } catch {
        queue.cancel()
        while (try? queue.take()) != nil {}   // let the producer finish before the caller's state goes away
        throw error
    }
}

/// A bounded queue of batches between one producer thread and one consumer.
private final class BatchQueue<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var finished = false
    private var producerError: Error?
    private(set) var isCancelled = false
    private let depth: Int

    init(depth: Int) { self.depth = depth }

    /// Adds a batch, waiting while the queue is full; false when the consumer has cancelled.
    func put(_ batch: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= depth && !isCancelled { condition.wait() }
        guard !isCancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    func finish(error: Error?) {
        condition.lock()
        finished = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        isCancelled = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil when the producer has finished; rethrows the producer's error at the end.
    func take() throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        if !batches.isEmpty {
            let batch = batches.removeFirst()
            condition.broadcast()
            return batch
        }
        if let producerError {
            self.producerError = nil
            throw producerError
        }
        return nil
    }
}
