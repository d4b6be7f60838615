import Testing
@testable import Worker

@Suite struct WorkerConfigurationTests {
    @Test func capacity_prefetchesDeeperOnlyForShortJobs_andDeepestForTinyOnes() {
        var configuration = WorkerConfiguration(endpoint: "tcp://127.0.0.1:1")
        configuration.slots = 2
        #expect(configuration.capacity(averageJobSeconds: nil) == 4)  // nothing measured yet
        #expect(configuration.capacity(averageJobSeconds: 30) == 4)
        #expect(configuration.capacity(averageJobSeconds: 0.01) == 6)  // short: 2 per slot
        #expect(configuration.capacity(averageJobSeconds: 0.0001) == 66)  // tiny: 32 per slot
        configuration.slots = 8
        #expect(configuration.capacity(averageJobSeconds: nil) == 12)  // at most 4 queued ...
        #expect(configuration.capacity(averageJobSeconds: 0.01) == 12)  // ... unless tiny
        #expect(configuration.capacity(averageJobSeconds: 0.0001) == 264)  // the coordinator caps it
        configuration.slots = 2
        configuration.prefetch = 0
        #expect(configuration.capacity(averageJobSeconds: 0.0001) == 2)  // an explicit prefetch wins
        configuration.slots = 0
        configuration.prefetch = nil
        #expect(configuration.capacity(averageJobSeconds: 30) == 2)  // at least one slot
    }
}
