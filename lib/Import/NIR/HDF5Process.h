//===- HDF5Process.h - the HDF5 library, contained in a child ---*- C++ -*-===//
//
// The HDF5 library does not check everything a damaged file can say (1.10
// reads variable-length strings from a corrupt global heap without bounds
// checks), so a hostile .nir file could crash or hang the importing process.
// The importer therefore calls HDF5 only in a child process: the child reads
// the file image into the HDF5 tree and sends it back encoded
// (HDF5TreeCodec.h); the parent decodes it with every length checked. A
// child that dies, exits abnormally, answers badly or takes too long is
// one error (docs/spec.md §8.1). Private to lib/Import/NIR.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_NIR_HDF5PROCESS_H
#define QSNN_LIB_IMPORT_NIR_HDF5PROCESS_H

#include "HDF5Tree.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir::qsnn::nir_import {

/// Seconds the child may take to read a file.
constexpr int kHDF5TimeLimitSeconds = 60;

/// Reads an HDF5 file image as readHDF5Image does, in a child process.
/// Returns the root group, or null with a one-line reason in `error`.
std::unique_ptr<H5Node>
readHDF5ImageContained(llvm::StringRef image, std::string &error,
                       int timeLimitSeconds = kHDF5TimeLimitSeconds);

} // namespace mlir::qsnn::nir_import

#endif // QSNN_LIB_IMPORT_NIR_HDF5PROCESS_H
