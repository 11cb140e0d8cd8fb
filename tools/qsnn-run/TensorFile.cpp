//===- TensorFile.cpp - ONNX TensorProto files as plain buffers -----------===//
#include "TensorFile.h"

#include "onnx/onnx_pb.h"

#include <cstring>
#include <fstream>
#include <sys/stat.h>

using namespace qsnn::run;

int64_t HostTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

bool exists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

/// Copies typed repeated fields or raw_data into `tensor.bytes`.
bool fillData(const onnx::TensorProto &proto, HostTensor &tensor,
              const std::string &path, std::string &error) {
  int64_t count = tensor.elements();
  size_t width = tensor.dtype == QSNN_DTYPE_UINT8     ? 1
                 : tensor.dtype == QSNN_DTYPE_FLOAT32 ? 4
                                                      : 8;
  tensor.bytes.assign(count * width, 0);
  int64_t have = 0;
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    have = static_cast<int64_t>(raw.size() / width);
    if (raw.size() == tensor.bytes.size())
      std::memcpy(tensor.bytes.data(), raw.data(), raw.size());
  } else if (tensor.dtype == QSNN_DTYPE_FLOAT32) {
    have = proto.float_data_size();
    if (have == count)
      std::memcpy(tensor.bytes.data(), proto.float_data().data(), count * 4);
  } else if (tensor.dtype == QSNN_DTYPE_INT64) {
    have = proto.int64_data_size();
    if (have == count)
      std::memcpy(tensor.bytes.data(), proto.int64_data().data(), count * 8);
  } else {
    // uint8 values are stored one per int32_data entry.
    have = proto.int32_data_size();
    for (int64_t i = 0; have == count && i < count; ++i)
      tensor.bytes[i] = static_cast<uint8_t>(proto.int32_data(i));
  }
  if (have != count) {
    error = path + ": tensor '" + tensor.name + "' has " +
            std::to_string(have) + " values but its shape needs " +
            std::to_string(count);
    return false;
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
  onnx::TensorProto proto;
  if (!proto.ParseFromIstream(&stream)) {
    error = path + ": not an ONNX TensorProto (truncated or another format)";
    return false;
  }
  tensor.name = proto.name();
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  for (int64_t d : tensor.shape)
    if (d < 0) {
      error = path + ": negative dimension in tensor '" + tensor.name + "'";
      return false;
    }
  switch (proto.data_type()) {
  case onnx::TensorProto::UINT8:
    tensor.dtype = QSNN_DTYPE_UINT8;
    break;
  case onnx::TensorProto::FLOAT:
    tensor.dtype = QSNN_DTYPE_FLOAT32;
    break;
  case onnx::TensorProto::INT64:
    tensor.dtype = QSNN_DTYPE_INT64;
    break;
  default:
    error = path + ": tensor '" + tensor.name + "' has ONNX data type " +
            std::to_string(proto.data_type()) +
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
