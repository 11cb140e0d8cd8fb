//===- HDF5Tree.h - an HDF5 file read into plain C++ values -----*- C++ -*-===//
//
// The NIR importer reads the whole HDF5 file once, with every HDF5 call
// checked, into this tree of groups and datasets, in a child process
// (HDF5Process.h); the graph logic never touches the HDF5 API. A file is
// outside input and may be hostile, so the reader bounds what it allocates
// (elements per dataset, total bytes, nesting depth, members per group) and
// refuses links to other files. Private to lib/Import/NIR.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_NIR_HDF5TREE_H
#define QSNN_LIB_IMPORT_NIR_HDF5TREE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir::qsnn::nir_import {

/// One group or dataset. Numeric datasets (integer or float classes) are
/// converted to double by HDF5; string datasets (fixed-length or variable,
/// bytes or UTF-8) keep their text.
struct H5Node {
  enum class Kind { Group, Numeric, String };
  Kind kind = Kind::Group;
  std::string path; // "/node/nodes/lif1/tau", for messages
  /// Datasets: the extent of each dimension; empty for a scalar.
  std::vector<int64_t> shape;
  std::vector<double> numbers;      // Kind::Numeric, row-major
  bool integerClass = false;        // Kind::Numeric from an integer type
  std::vector<std::string> strings; // Kind::String, row-major
  std::map<std::string, std::unique_ptr<H5Node>> members; // Kind::Group

  bool isGroup() const { return kind == Kind::Group; }
  const H5Node *member(llvm::StringRef name) const;
  int64_t numElements() const;
};

/// Limits on what a file may make the reader allocate.
constexpr int64_t kMaxDatasetElements = int64_t(1) << 26;
constexpr int64_t kMaxTotalBytes = int64_t(1) << 31;
constexpr int kMaxDepth = 16;
constexpr int64_t kMaxGroupMembers = int64_t(1) << 16;

/// Reads an HDF5 file image (the file's bytes). Returns the root group, or
/// null with a one-line reason in `error`. HDF5's own error stack is never
/// printed. Calls the HDF5 library: only the reader process runs it.
std::unique_ptr<H5Node> readHDF5Image(llvm::StringRef image,
                                      std::string &error);

} // namespace mlir::qsnn::nir_import

#endif // QSNN_LIB_IMPORT_NIR_HDF5TREE_H
