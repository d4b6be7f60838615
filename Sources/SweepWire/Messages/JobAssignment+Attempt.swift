import SweepModel

extension JobAssignment {
    /// The job and attempt this assignment names, as acknowledgements and aborts name them.
    public var jobAttempt: JobAttempt { JobAttempt(job: job, attempt: attempt) }
}
