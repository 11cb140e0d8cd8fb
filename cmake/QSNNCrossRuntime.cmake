# libqsnn_runtime and qsnn-run cross-built for aarch64 Linux (the
# runtime-only build with cmake/toolchains/aarch64-linux-gnu.cmake) as part
# of this build, for e2e:edge-targets, which runs them under qemu-aarch64.
# Built only where g++-aarch64-linux-gnu is installed (scripts/bootstrap).
include(ExternalProject)

find_program(QSNN_AARCH64_CXX aarch64-linux-gnu-g++)
set(QSNN_AARCH64_RUN "")
if(NOT QSNN_AARCH64_CXX)
  message(STATUS "aarch64-linux-gnu-g++ not found: no aarch64 runtime, "
                 "e2e:edge-targets skips aarch64 (run scripts/bootstrap)")
  return()
endif()

set(QSNN_AARCH64_BUILD ${CMAKE_BINARY_DIR}/runtime-aarch64)
set(QSNN_AARCH64_RUN ${QSNN_AARCH64_BUILD}/bin/qsnn-run)
set(launcher "")
if(CMAKE_CXX_COMPILER_LAUNCHER)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
               -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER})
endif()
# BUILD_ALWAYS: the inner build tracks the runtime's sources itself.
ExternalProject_Add(qsnn-runtime-aarch64
  SOURCE_DIR ${QSNN_SOURCE_DIR}
  BINARY_DIR ${QSNN_AARCH64_BUILD}
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DQSNN_RUNTIME_ONLY=ON
             -DCMAKE_TOOLCHAIN_FILE=${QSNN_SOURCE_DIR}/cmake/toolchains/aarch64-linux-gnu.cmake
             ${launcher}
  BUILD_COMMAND ${CMAKE_COMMAND} --build ${QSNN_AARCH64_BUILD} --target qsnn-run
  BUILD_BYPRODUCTS ${QSNN_AARCH64_RUN}
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  EXCLUDE_FROM_ALL OFF)
