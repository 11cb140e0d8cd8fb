//===- Errors.h - llvm::Error with a message, for the CPU target -*- C++
//-*-===//
#ifndef QSNN_LIB_TARGET_CPU_ERRORS_H
#define QSNN_LIB_TARGET_CPU_ERRORS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace mlir::qsnn::cpu {

/// An error carrying `message` (the tools print it after "error: ").
inline llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace mlir::qsnn::cpu

#endif // QSNN_LIB_TARGET_CPU_ERRORS_H
