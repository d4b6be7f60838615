// The x86 CPUID and XGETBV queries TrainingCore needs to choose its kernel family at start-up.
// Swift cannot execute CPUID itself; this header is the only place that does, and only
// TrainingCore imports it. On other architectures every query answers 0 (baseline kernels).
#ifndef CCPUID_H
#define CCPUID_H

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// XCR0, the register state the operating system saves (bit 1 SSE, 2 AVX, 5-7 AVX-512).
static inline unsigned long long ccpuid_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

/// Whether the CPU and the OS support x86-64-v3 (AVX, AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C).
static inline int ccpuid_has_x86_64_v3(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned int need1 = bit_FMA | bit_MOVBE | bit_OSXSAVE | bit_AVX | bit_F16C | bit_POPCNT | bit_SSE4_2;
    if ((c & need1) != need1) return 0;
    if ((ccpuid_xcr0() & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned int need7 = bit_AVX2 | bit_BMI | bit_BMI2;
    if ((b & need7) != need7) return 0;
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d)) return 0;
    return (c & bit_LZCNT) != 0;
}

/// Whether the CPU and the OS support x86-64-v4 (v3 plus AVX-512 F, CD, BW, DQ, VL and the
/// zmm/opmask state).
static inline int ccpuid_has_x86_64_v4(void) {
    unsigned int a, b, c, d;
    if (!ccpuid_has_x86_64_v3()) return 0;
    if ((ccpuid_xcr0() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned int need = bit_AVX512F | bit_AVX512CD | bit_AVX512BW | bit_AVX512DQ | bit_AVX512VL;
    return (b & need) == need;
}
#else
static inline int ccpuid_has_x86_64_v3(void) { return 0; }
static inline int ccpuid_has_x86_64_v4(void) { return 0; }
#endif

#endif
