import Testing
@testable import TrainingCore

/// Large training buffers sit on 2 MiB boundaries (so Linux can back them with huge pages), small
/// ones stay small; both hold what is written to them.
@Suite struct HugePageAllocationTests {
    @Test(arguments: [100, HugePageAllocation.threshold / 4 - 1, HugePageAllocation.threshold / 4, 5_000_000])
    func buffer_isAlignedForItsSize_andHoldsItsFloats(count: Int) {
        let buffer = HugePageAllocation.floats(count)
        defer { buffer.deallocate() }
        let address = UInt(bitPattern: buffer)
        let large = count * MemoryLayout<Float>.stride >= HugePageAllocation.threshold
        #expect(address % UInt(large ? HugePageAllocation.hugePage : 64) == 0)
        for i in 0..<count { buffer[i] = Float(i % 1000) }
        var sum = 0.0
        for i in 0..<count { sum += Double(buffer[i]) }
        let expected = (0..<count).reduce(0.0) { $0 + Double($1 % 1000) }
        #expect(sum == expected)
    }
}
