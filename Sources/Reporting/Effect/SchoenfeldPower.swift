import Foundation
import RealModule

/// How many runs a Cox test of a continuous covariate needs to detect a given effect: Schoenfeld's
/// (1983) events formula `d = (z₁₋α/₂ + z_power)² / (σ² β²)`, with σ² the covariate's variance and
/// β the log hazard ratio, divided by the fraction of runs that have the event.
public enum SchoenfeldPower {
    /// Seeds per dimension that would detect log hazard ratio `beta` per unit of log2(D) with 80%
    /// power at two-sided α = 0.05, for runs spread over `dimensions` like the observed ones
    /// (`covariateVariance`: the variance of log2(D) over the runs) with the observed
    /// `eventFraction`. `nil` when no finite number would (β = 0, no event, no spread).
    public static func seedsPerDimension(
        beta: Double, covariateVariance: Double, eventFraction: Double, dimensions: Int
    ) -> Int? {
        guard beta.isFinite, beta != 0, covariateVariance > 0, eventFraction > 0, dimensions > 0 else { return nil }
        let z = Distribution.normalQuantile975 + Distribution.normalQuantile80
        let events = z * z / (covariateVariance * beta * beta)
        let runs = events / eventFraction
        let seeds = (runs / Double(dimensions)).rounded(.up)
        guard seeds.isFinite, seeds < 1e12 else { return nil }
        return Swift.max(2, Int(seeds))
    }
}
