import SweepModel

/// How many jobs of a sweep are in each status: the numbers `clustersweep status` prints.
public struct JobStatusCounts: Sendable, Equatable, CustomStringConvertible {
    private var counts = [Int](repeating: 0, count: JobStatus.allCases.count)

    public init() {}

    public subscript(status: JobStatus) -> Int {
        get { counts[status.countIndex] }
        set { counts[status.countIndex] = newValue }
    }

    /// All jobs counted.
    public var total: Int { counts.reduce(0, +) }
    /// Jobs that are `pending` or `running`.
    public var unfinished: Int { self[.pending] + self[.running] }
    /// Jobs completed with a result (any completed status).
    public var done: Int { self[.clustered] + self[.censored] + self[.diverged] + self[.completed] }
    /// Jobs in a final status (completed, failed or cancelled).
    public var final: Int { total - unfinished }

    public var description: String {
        JobStatus.allCases.filter { self[$0] > 0 }.map { "\($0.rawValue)=\(self[$0])" }.joined(separator: " ")
    }
}

extension JobStatus {
    /// A dense index for counting arrays.
    var countIndex: Int {
        switch self {
        case .clustered: 0
        case .censored: 1
        case .diverged: 2
        case .completed: 3
        case .failed: 4
        case .pending: 5
        case .running: 6
        case .cancelled: 7
        }
    }
}
