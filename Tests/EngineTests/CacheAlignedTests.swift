import Testing
@testable import Engine

@Suite struct CacheAlignedTests {
    @Test func buffersStartOnACacheLine() {
        for count in [1, 15, 16, 17, 1000, 1 << 20] {
            let floats = CacheAligned.allocate(Float.self, count: count), doubles = CacheAligned.allocate(Double.self, count: count)
            #expect(Int(bitPattern: floats.baseAddress) % 64 == 0)
            #expect(Int(bitPattern: doubles.baseAddress) % 64 == 0)
            #expect(floats.count == count && doubles.count == count)
            CacheAligned.deallocate(floats)
            CacheAligned.deallocate(doubles)
        }
    }

    @Test func offsetsRoundUpToWholeLines() {
        #expect([0, 1, 16, 17, 33].map { CacheAligned.roundedUp($0, of: Float.self) } == [0, 16, 16, 32, 48])
        #expect([1, 8, 9].map { CacheAligned.roundedUp($0, of: Double.self) } == [8, 8, 16])
    }
}
