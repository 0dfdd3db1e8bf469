/// A small seeded generator (a 64-bit LCG), so sampling is reproducible for a seed.
public struct SeededGenerator: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &* 0x9E3779B97F4A7C15 &+ 0x632BE59BD9B4E019 }
    /// A uniform number in [0, 1).
    public mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}
