/* Force-included into every translation unit of the sanitized build
 * (cmake/QSNNSanitize.cmake).
 *
 * LLVM's allocators (BumpPtrAllocator, Recycler) are header code that, when
 * compiled under ASan, poisons slab memory and unpoisons each allocation.
 * Debian's libLLVM/libMLIR are not instrumented, and the same allocator
 * objects are used by their code and ours: memory poisoned by our inline
 * copy is then handed out by the library's copy without unpoisoning, and
 * ASan reports a use-after-poison in correct code. Making the annotations
 * no-ops gives our copies the library's behaviour; every other ASan check
 * stays on. */
#ifndef QSNN_SANITIZER_COMPAT_H
#define QSNN_SANITIZER_COMPAT_H
#include <sanitizer/asan_interface.h>
#undef __asan_poison_memory_region
#undef __asan_unpoison_memory_region
#define __asan_poison_memory_region(p, size) ((void)(p), (void)(size))
#define __asan_unpoison_memory_region(p, size) ((void)(p), (void)(size))
#endif
