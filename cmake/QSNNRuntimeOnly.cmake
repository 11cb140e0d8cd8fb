# QSNN_RUNTIME_ONLY: libqsnn_runtime and qsnn-run (test-vector mode) without
# MLIR, LLVM, ONNX, LibTorch or the data set readers, for cross builds such
# as the aarch64 preset (docs/runtime.md#cross-build). Included from the
# top-level CMakeLists.txt, which stops after it.
set(QSNN_SOURCE_DIR ${CMAKE_SOURCE_DIR})
set(QSNN_BINARY_DIR ${CMAKE_BINARY_DIR})
set(QSNN_TOOLS_DIR ${CMAKE_BINARY_DIR}/bin)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${QSNN_TOOLS_DIR})
set(CMAKE_LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)

function(qsnn_check_depends)
endfunction()

# nlohmann/json and CLI11 are header-only: use the target's packages when
# the sysroot has them, else a copy of the build machine's headers (plain
# C++, identical on every architecture) in the build tree, so that the
# cross compiler never searches the host's /usr/include.
find_package(nlohmann_json QUIET)
find_package(CLI11 QUIET)
set(QSNN_HEADER_COPY ${CMAKE_BINARY_DIR}/header-libraries)
foreach(lib nlohmann_json CLI11)
  if(TARGET ${lib}::${lib})
    continue()
  endif()
  if(lib STREQUAL "nlohmann_json")
    set(dir nlohmann)
  else()
    set(dir CLI)
  endif()
  if(NOT EXISTS /usr/include/${dir})
    message(FATAL_ERROR "QSNN_RUNTIME_ONLY needs the ${lib} headers "
      "(/usr/include/${dir}); run scripts/bootstrap")
  endif()
  file(COPY /usr/include/${dir} DESTINATION ${QSNN_HEADER_COPY})
  add_library(${lib}::${lib} INTERFACE IMPORTED)
  set_target_properties(${lib}::${lib} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${QSNN_HEADER_COPY})
endforeach()

add_subdirectory(runtime)
add_subdirectory(tools/qsnn-run)
