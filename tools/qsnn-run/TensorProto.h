//===- TensorProto.h - ONNX TensorProto wire format, no libprotobuf -*- C++
//-*-===//
//
// qsnn-run reads test vectors without libprotobuf, so that it builds for
// targets without it (the aarch64 runtime-only cross build,
// docs/runtime.md#cross-build). Only what a test vector uses is decoded;
// other fields are skipped as protobuf skips unknown ones.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_QSNN_RUN_TENSORPROTO_H
#define QSNN_TOOLS_QSNN_RUN_TENSORPROTO_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qsnn::run {

/// The fields of an onnx.TensorProto (onnx.proto numbering) a test vector
/// uses. Scalars: the last occurrence wins; repeated fields accept packed
/// and unpacked encodings, as protobuf does.
struct TensorProtoFields {
  std::vector<int64_t> dims;      // 1
  int32_t dataType = 0;           // 2 (TensorProto.DataType)
  std::vector<float> floatData;   // 4
  std::vector<int32_t> int32Data; // 5
  std::vector<int64_t> int64Data; // 7
  std::string name;               // 8
  bool hasRawData = false;        // 9 present (even if empty)
  std::string_view rawData;       // 9, a view into the parsed bytes
};

/// ONNX TensorProto.DataType values qsnn-run reads.
enum : int32_t {
  kTensorProtoFloat = 1,
  kTensorProtoUInt8 = 2,
  kTensorProtoInt64 = 7
};

/// Decodes `bytes` (which must outlive `fields.rawData`). False for bytes
/// that are not a well-formed protobuf message (truncated varints or
/// fields, lengths past the end, field number 0, groups, a packed fixed32
/// field whose length is not a multiple of 4). Repeated fields grow only
/// with values actually present, so memory stays within a small multiple
/// of the input size.
bool parseTensorProto(std::string_view bytes, TensorProtoFields &fields);

} // namespace qsnn::run

#endif // QSNN_TOOLS_QSNN_RUN_TENSORPROTO_H
