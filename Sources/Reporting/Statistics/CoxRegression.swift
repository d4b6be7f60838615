import RealModule

/// A Cox proportional-hazards model with one covariate (Cox 1972): by what factor does the hazard
/// of the event (here: clustering) change per unit of the covariate (here: log2 of the dimension,
/// so per doubling of D)? Censored runs count until they stopped, exactly as in Kaplan–Meier.
///
/// Fitted as lifelines' `CoxPHFitter` fits it: the partial likelihood with Efron's (1977)
/// handling of tied event times, maximized by Newton–Raphson with step halving on the covariate
/// standardized to mean 0 and standard deviation 1, then scaled back. The standard error is the
/// inverse observed information's square root; the 95% interval and the p-value are Wald's.
///
/// A likelihood that keeps rising forever (perfect separation: at every event time the runs that
/// clustered had the highest covariate still at risk, or the lowest) has no maximum; that is
/// reported as `Unavailable.separated` instead of a meaningless huge coefficient.
public struct CoxRegression: Sendable, Equatable {
    /// β: the log hazard ratio per unit of the covariate.
    public var coefficient: Double
    /// The standard error of β.
    public var standardError: Double
    /// exp(β).
    public var hazardRatio: Double { Double.exp(coefficient) }
    /// The Wald 95% interval of the hazard ratio, exp(β ± 1.96·se).
    public var hazardRatioInterval: (lower: Double, upper: Double) {
        let z = Distribution.normalQuantile975
        return (Double.exp(coefficient - z * standardError), Double.exp(coefficient + z * standardError))
    }
    /// The two-sided Wald p-value of β = 0.
    public var pValue: Double { Distribution.twoSidedNormalPValue(coefficient / standardError) }
    /// Observations fitted.
    public var runs: Int
    /// Of those, the ones with the event.
    public var events: Int
    /// Newton–Raphson iterations used.
    public var iterations: Int

    /// One subject: its time, whether the event happened then, and its covariate.
    public struct Observation: Sendable, Equatable {
        public var time: Double
        public var event: Bool
        public var covariate: Double
        public init(time: Double, event: Bool, covariate: Double) {
            self.time = time
            self.event = event
            self.covariate = covariate
        }
    }

    /// Why a model could not be fitted.
    public enum Unavailable: Error, Sendable, Equatable, CustomStringConvertible {
        case noEvents
        case constantCovariate
        case noInformation
        /// The likelihood rises without bound as β → +∞ (`higher == true`) or −∞.
        case separated(higher: Bool)
        case didNotConverge(iterations: Int)

        public var description: String {
            switch self {
            case .noEvents: "no run clustered, so there is nothing to compare"
            case .constantCovariate: "needs at least 2 dimensions with runs"
            case .noInformation: "no clustering epoch had runs of different dimensions still running"
            case .separated(let higher):
                "the dimensions are perfectly separated (each run that clustered had the \(higher ? "highest" : "lowest") dimension still running), so the hazard ratio is unbounded"
            case .didNotConverge(let n): "the Cox fit did not converge in \(n) Newton–Raphson iterations"
            }
        }
    }

    /// Fits the model to `observations` (non-finite times or covariates are ignored).
    public init(_ observations: [Observation]) throws(Unavailable) {
        let valid = observations.filter { $0.time.isFinite && $0.covariate.isFinite }
        guard valid.contains(where: \.event) else { throw .noEvents }
        let n = Double(valid.count)
        let mean = valid.reduce(0) { $0 + $1.covariate } / n
        let variance = valid.reduce(0) { $0 + ($1.covariate - mean) * ($1.covariate - mean) } / n
        guard variance > 0 else { throw .constantCovariate }
        let sd = variance.squareRoot()
        let risk = RiskSets(valid.map { Observation(time: $0.time, event: $0.event, covariate: ($0.covariate - mean) / sd) })
        if let higher = risk.separation { throw .separated(higher: higher) }

        var beta = 0.0
        var current = risk.evaluate(beta)
        guard current.information > 1e-12 else { throw .noInformation }
        var iterations = 0
        var converged = false
        while iterations < 100 {
            iterations += 1
            var step = current.score / current.information
            var next = risk.evaluate(beta + step)
            var halvings = 0
            while !(next.logLikelihood.isFinite && next.logLikelihood >= current.logLikelihood - 1e-10 * abs(current.logLikelihood)),
                  halvings < 60 {
                step /= 2
                halvings += 1
                next = risk.evaluate(beta + step)
            }
            beta += step
            let gain = next.logLikelihood - current.logLikelihood
            current = next
            if abs(step) < 1e-10 || (abs(current.score) < 1e-10 && abs(gain) < 1e-12) {
                converged = true
                break
            }
        }
        guard converged, current.information > 0, beta.isFinite else { throw .didNotConverge(iterations: iterations) }
        coefficient = beta / sd
        standardError = (1 / current.information).squareRoot() / sd
        runs = valid.count
        events = valid.count { $0.event }
        self.iterations = iterations
    }
}

/// The observations arranged by distinct time, for the Efron partial likelihood in O(n) per
/// evaluation: in descending time each time's risk set (time ≥ it) is a prefix, so its sums grow
/// as the times are walked.
private struct RiskSets {
    /// One distinct time: the covariates of the runs observed then, and of those with the event.
    struct Time {
        var all: [Double]
        var events: [Double]
    }

    /// Distinct times, descending.
    let times: [Time]

    init(_ observations: [CoxRegression.Observation]) {
        let sorted = observations.sorted { $0.time > $1.time }
        var times: [Time] = []
        var index = 0
        while index < sorted.count {
            let time = sorted[index].time
            var entry = Time(all: [], events: [])
            while index < sorted.count, sorted[index].time == time {
                entry.all.append(sorted[index].covariate)
                if sorted[index].event { entry.events.append(sorted[index].covariate) }
                index += 1
            }
            times.append(entry)
        }
        self.times = times
    }

    /// `true` if at every event time the events have the risk set's largest covariate (the
    /// likelihood rises as β → +∞), `false` for the smallest, `nil` when neither holds.
    var separation: Bool? {
        var highest = true, lowest = true
        var riskMax = -Double.infinity, riskMin = Double.infinity
        for t in times {
            for x in t.all {
                riskMax = max(riskMax, x)
                riskMin = min(riskMin, x)
            }
            for x in t.events {
                if x < riskMax { highest = false }
                if x > riskMin { lowest = false }
            }
        }
        switch (highest, lowest) {
        case (true, false): return true
        case (false, true): return false
        default: return nil
        }
    }

    /// Log partial likelihood (Efron), its first derivative (score) and minus its second
    /// (observed information) at `beta`.
    func evaluate(_ beta: Double) -> (logLikelihood: Double, score: Double, information: Double) {
        var logLikelihood = 0.0, score = 0.0, information = 0.0
        var s0 = 0.0, s1 = 0.0, s2 = 0.0
        for t in times {
            for x in t.all {
                let w = Double.exp(beta * x)
                s0 += w; s1 += w * x; s2 += w * x * x
            }
            guard !t.events.isEmpty else { continue }
            var d0 = 0.0, d1 = 0.0, d2 = 0.0
            for x in t.events {
                let w = Double.exp(beta * x)
                d0 += w; d1 += w * x; d2 += w * x * x
                logLikelihood += beta * x
                score += x
            }
            let d = Double(t.events.count)
            for l in 0..<t.events.count {
                let f = Double(l) / d
                let a0 = s0 - f * d0, a1 = s1 - f * d1, a2 = s2 - f * d2
                logLikelihood -= Double.log(a0)
                let mean = a1 / a0
                score -= mean
                information += a2 / a0 - mean * mean
            }
        }
        return (logLikelihood, score, information)
    }
}
