import CCPUID

/// Which compiled set of kernels runs the epoch loop and the metric checks: the same Swift sources
/// (`Sources/KernelSource`) built for three x86-64 levels, chosen once by CPUID at start-up.
///
/// Results are bit-identical for a seed within one family. Across families the float rounding
/// differs (vector width changes summation order; the baseline multiplies and adds where the others
/// fuse), so a time-to-cluster may move by a check or two (`KernelFamilyTests` pins how much).
public enum KernelFamily: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// x86-64-v4: AVX-512 F/CD/BW/DQ/VL, 16 floats per vector (compiled for `skylake-avx512`).
    case avx512
    /// x86-64-v3: AVX2 + FMA, 8 floats per vector (compiled for `haswell`).
    case avx2
    /// Any x86-64 (SSE2), 4 floats per vector, multiply then add.
    case baseline

    /// The widest family this CPU and OS support; computed once.
    public static let detected: KernelFamily = {
        if ccpuid_has_x86_64_v4() != 0 { return .avx512 }
        if ccpuid_has_x86_64_v3() != 0 { return .avx2 }
        return .baseline
    }()

    /// Whether this machine can run the family (CPUID, including the OS's register support).
    public var isSupported: Bool {
        switch self {
        case .avx512: ccpuid_has_x86_64_v4() != 0
        case .avx2: ccpuid_has_x86_64_v3() != 0
        case .baseline: true
        }
    }

    /// The families this machine can run, widest first.
    public static var supported: [KernelFamily] { allCases.filter(\.isSupported) }

    /// Floats per vector register in this family's kernels.
    public var vectorLanes: Int { KernelTable.table(for: self).vectorLanes }

    public var description: String {
        switch self {
        case .avx512: "avx512 (x86-64-v4, 512-bit vectors)"
        case .avx2: "avx2 (x86-64-v3, 256-bit vectors, FMA)"
        case .baseline: "baseline (x86-64, 128-bit vectors, no FMA)"
        }
    }
}
