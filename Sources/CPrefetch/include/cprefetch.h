// A software prefetch for the Swift kernels, which have no way to emit one. The kernels stay in
// Swift; this hint is the only instruction they take from C. `always_inline` and a static inline
// definition let Swift's Clang importer inline it into each kernel family's code, where it
// compiles to one PREFETCHT0 (baseline x86-64 has it, so it is safe in every family).
#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` into every cache level. It never
/// faults, so an address past the end of a buffer is harmless.
static inline __attribute__((always_inline)) void cprefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
