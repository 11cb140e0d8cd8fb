//===- TensorFile.h - ONNX TensorProto files as plain buffers ---*- C++ -*-===//
#ifndef QSNN_TOOLS_QSNN_RUN_TENSORFILE_H
#define QSNN_TOOLS_QSNN_RUN_TENSORFILE_H

#include "qsnn_abi.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qsnn::run {

/// A dense tensor read from an ONNX test vector (input_*.pb / output_*.pb).
struct HostTensor {
  std::string name;
  int32_t dtype = 0; ///< qsnn_dtype
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t elements() const;
  template <typename T> const T *as() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
};

/// Reads one TensorProto file. On failure returns false and sets `error` to a
/// message naming the file (missing, not a TensorProto, unsupported dtype,
/// data shorter than the shape).
bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error);

/// The input_<i>.pb and output_<i>.pb files of an ONNX test-data folder, in
/// index order.
struct TestVectors {
  std::vector<HostTensor> inputs, outputs;
};
bool readTestVectors(const std::string &dir, TestVectors &vectors,
                     std::string &error);

} // namespace qsnn::run

#endif // QSNN_TOOLS_QSNN_RUN_TENSORFILE_H
