# Helpers that give every qsnn target the same compile settings.
#
# Compiler code links the shared libMLIR/libLLVM that Debian ships (fast links,
# one copy of LLVM's global registries). LLVM is built without exceptions, so
# MLIR-facing targets use -fno-exceptions; LibTorch targets (lib/Train,
# tools/qsnn-train) are plain targets that keep exceptions on.

function(qsnn_mlir_target target)
  target_include_directories(${target} SYSTEM PUBLIC
    ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
  target_include_directories(${target} PUBLIC
    ${QSNN_SOURCE_DIR}/include ${QSNN_BINARY_DIR}/include)
  target_compile_options(${target} PRIVATE -fno-exceptions -Wall
    -Wno-unused-parameter)
endfunction()

# qsnn_add_mlir_library(name SOURCES... [DEPENDS tgtargets...] [LINK libs...])
function(qsnn_add_mlir_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  qsnn_mlir_target(${name})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK} MLIR LLVM)
endfunction()

function(qsnn_add_mlir_tool name)
  cmake_parse_arguments(ARG "" "" "LINK" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  qsnn_mlir_target(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} MLIR LLVM)
  qsnn_check_depends(${name})
endfunction()

# qsnn_check_depends(targets...): targets the test suites run, so that
# `ninja check-qsnn` rebuilds them before it tests (no stale binary is
# ever tested).
function(qsnn_check_depends)
  set_property(GLOBAL APPEND PROPERTY QSNN_CHECK_DEPENDS ${ARGN})
endfunction()
