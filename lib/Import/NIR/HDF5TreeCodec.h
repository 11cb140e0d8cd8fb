//===- HDF5TreeCodec.h - the HDF5 tree as bytes, and back -------*- C++ -*-===//
//
// The HDF5 library reads a NIR file only in a child process
// (HDF5Process.h); the child sends the tree it read to the importer in this
// small serialization (docs/spec.md §8.1). Decoding treats the bytes as
// hostile: every length is checked against what is left and against the
// reader's limits (HDF5Tree.h) before anything is allocated. Private to
// lib/Import/NIR.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_NIR_HDF5TREECODEC_H
#define QSNN_LIB_IMPORT_NIR_HDF5TREECODEC_H

#include "HDF5Tree.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir::qsnn::nir_import {

/// Appends the tree rooted at `root` (a group) to `out`.
void encodeHDF5Tree(const H5Node &root, std::string &out);

/// Appends a reader's one-line error message to `out` (sent instead of a
/// tree when the file could not be read).
void encodeHDF5Error(llvm::StringRef message, std::string &out);

/// Decodes what encodeHDF5Tree or encodeHDF5Error wrote, all of `bytes`.
/// Returns the root group; or null with `error` set: to the reader's
/// message (and `readerError` true), or to what is wrong with the bytes.
std::unique_ptr<H5Node> decodeHDF5Tree(llvm::StringRef bytes,
                                       std::string &error, bool &readerError);

} // namespace mlir::qsnn::nir_import

#endif // QSNN_LIB_IMPORT_NIR_HDF5TREECODEC_H
