# Cross build for aarch64 Linux with Debian's g++-aarch64-linux-gnu:
#
#   cmake --preset aarch64 && cmake --build build-aarch64
#
# builds libqsnn_runtime and qsnn-run only (QSNN_RUNTIME_ONLY, set by the
# preset): the compiler stays on the build machine and cross-compiles models
# with --target-triple aarch64-linux-gnu (docs/runtime.md#cross-build).
# Tests run the binaries under qemu-aarch64 with the target's sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(QSNN_CROSS_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH ${QSNN_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${QSNN_CROSS_SYSROOT})
