// CPUID queries are static inline functions in include/ccpuid.h; SwiftPM needs one source file.
