// The prefetch is a static inline function in include/cprefetch.h; SwiftPM needs one source file.
