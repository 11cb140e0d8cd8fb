# A sanitized test build: -DQSNN_SANITIZE=address,undefined in its own build
# directory (docs/development.md#sanitized-build). Every qsnn target is
# instrumented; the ASan runtime is linked shared so that uninstrumented
# programs the tests start (Python loading libqsnn_runtime) can preload it.
# With -DQSNN_ENABLE_FUZZERS=ON (clang) the libFuzzer targets in fuzz/ are
# built too.
set(QSNN_SANITIZE "" CACHE STRING
  "Sanitizers for a test build, e.g. address,undefined (clang)")
option(QSNN_ENABLE_FUZZERS "Build the libFuzzer targets in fuzz/ (clang)" OFF)

if(QSNN_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "QSNN_SANITIZE needs clang (configure with "
      "-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19)")
  endif()
  # UBSan's vptr check reads type information that libLLVM and libMLIR,
  # built without RTTI, do not carry: it reports every virtual call on
  # their objects (llvm::cl::Option) as a wrong dynamic type.
  add_compile_options(-fsanitize=${QSNN_SANITIZE} -fno-sanitize=vptr
    -fno-sanitize-recover=all
    -fno-omit-frame-pointer -gline-tables-only
    -include ${CMAKE_CURRENT_LIST_DIR}/SanitizerCompat.h)
  execute_process(
    COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libclang_rt.asan-x86_64.so
    OUTPUT_VARIABLE QSNN_ASAN_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(QSNN_ASAN_RUNTIME_DIR ${QSNN_ASAN_RUNTIME} DIRECTORY)
  add_link_options(-fsanitize=${QSNN_SANITIZE} -shared-libasan
    -Wl,-rpath,${QSNN_ASAN_RUNTIME_DIR})
endif()
if(QSNN_ENABLE_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "QSNN_ENABLE_FUZZERS needs clang (libFuzzer)")
  endif()
  # Coverage for libFuzzer in every library; only fuzz/ links its driver.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
