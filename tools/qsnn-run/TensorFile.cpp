//===- TensorFile.cpp - ONNX TensorProto files as plain buffers -----------===//
#include "TensorFile.h"
#include "TensorProto.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

using namespace qsnn::run;

int64_t HostTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

/// The importer's limit on one tensor (docs/spec.md §5.11).
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

bool exists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

/// Values `proto` holds for a tensor of `dtype` (raw_data counted in
/// elements of `width` bytes; -1 when raw_data is not a whole number).
int64_t valuesHeld(const TensorProtoFields &proto, int32_t dtype,
                   size_t width) {
  if (proto.hasRawData)
    return proto.rawData.size() % width ? -1 : proto.rawData.size() / width;
  if (dtype == QSNN_DTYPE_FLOAT32)
    return proto.floatData.size();
  if (dtype == QSNN_DTYPE_INT64)
    return proto.int64Data.size();
  return proto.int32Data.size(); // uint8: one value per int32_data entry
}

/// Copies typed repeated fields or raw_data into `tensor.bytes`, after
/// checking the amount of data against the shape (so a shape alone never
/// allocates) and, for uint8 in int32_data, the range.
bool fillData(const TensorProtoFields &proto, HostTensor &tensor,
              const std::string &path, std::string &error) {
  size_t width = tensor.dtype == QSNN_DTYPE_UINT8     ? 1
                 : tensor.dtype == QSNN_DTYPE_FLOAT32 ? 4
                                                      : 8;
  int64_t count = tensor.elements();
  int64_t have = valuesHeld(proto, tensor.dtype, width);
  if (have != count) {
    error = path + ": tensor '" + tensor.name + "' has " +
            (have < 0 ? std::to_string(proto.rawData.size()) +
                            " bytes of raw_data, not a whole number of " +
                            std::to_string(width) + "-byte values,"
                      : std::to_string(have) + " values") +
            " but its shape needs " + std::to_string(count);
    return false;
  }
  tensor.bytes.assign(count * width, 0);
  if (count == 0) // an empty repeated field has no data() to copy from
    return true;
  if (proto.hasRawData) {
    std::memcpy(tensor.bytes.data(), proto.rawData.data(), count * width);
  } else if (tensor.dtype == QSNN_DTYPE_FLOAT32) {
    std::memcpy(tensor.bytes.data(), proto.floatData.data(), count * 4);
  } else if (tensor.dtype == QSNN_DTYPE_INT64) {
    std::memcpy(tensor.bytes.data(), proto.int64Data.data(), count * 8);
  } else {
    for (int64_t i = 0; i < count; ++i) {
      int32_t value = proto.int32Data[i];
      if (value < 0 || value > 255) {
        error = path + ": tensor '" + tensor.name + "' holds " +
                std::to_string(value) + " at element " + std::to_string(i) +
                ", outside uint8's 0..255";
        return false;
      }
      tensor.bytes[i] = static_cast<uint8_t>(value);
    }
  }
  return true;
}

} // namespace

bool qsnn::run::readTensorFile(const std::string &path, HostTensor &tensor,
                               std::string &error) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    error = path + ": cannot open file";
    return false;
  }
  // The file's own size bounds what is read; the shape allocates nothing.
  std::string bytes((std::istreambuf_iterator<char>(stream)),
                    std::istreambuf_iterator<char>());
  TensorProtoFields proto;
  if (stream.bad() || !parseTensorProto(bytes, proto)) {
    error = path + ": not an ONNX TensorProto (truncated or another format)";
    return false;
  }
  tensor.name = proto.name;
  tensor.shape.assign(proto.dims.begin(), proto.dims.end());
  int64_t count = 1;
  for (int64_t d : tensor.shape) {
    if (d < 0) {
      error = path + ": negative dimension in tensor '" + tensor.name + "'";
      return false;
    }
    if (d > 0 && count > kMaxTensorElements / d) {
      error =
          path + ": tensor '" + tensor.name + "' has more than 2^32 elements";
      return false;
    }
    count *= d;
  }
  switch (proto.dataType) {
  case kTensorProtoUInt8:
    tensor.dtype = QSNN_DTYPE_UINT8;
    break;
  case kTensorProtoFloat:
    tensor.dtype = QSNN_DTYPE_FLOAT32;
    break;
  case kTensorProtoInt64:
    tensor.dtype = QSNN_DTYPE_INT64;
    break;
  default:
    error = path + ": tensor '" + tensor.name + "' has ONNX data type " +
            std::to_string(proto.dataType) +
            "; qsnn-run reads uint8, float32 and int64";
    return false;
  }
  return fillData(proto, tensor, path, error);
}

bool qsnn::run::readTestVectors(const std::string &dir, TestVectors &vectors,
                                std::string &error) {
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = "test-data folder '" + dir + "' does not exist";
    return false;
  }
  for (auto [prefix, list] :
       {std::pair{"input_", &vectors.inputs}, {"output_", &vectors.outputs}}) {
    for (int i = 0;; ++i) {
      std::string path = dir + "/" + prefix + std::to_string(i) + ".pb";
      if (!exists(path))
        break;
      HostTensor tensor;
      if (!readTensorFile(path, tensor, error))
        return false;
      list->push_back(std::move(tensor));
    }
  }
  if (vectors.inputs.empty() || vectors.outputs.empty()) {
    error = dir + ": expected input_0.pb and output_0.pb (the ONNX "
                  "backend-test layout)";
    return false;
  }
  return true;
}
