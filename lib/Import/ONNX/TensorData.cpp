//===- TensorData.cpp - ONNX TensorProto contents as MLIR attributes ------===//
#include "TensorData.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

std::string onnx_import::dtypeName(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
    return "float32";
  case onnx::TensorProto::UINT8:
    return "uint8";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::UINT16:
    return "uint16";
  case onnx::TensorProto::INT16:
    return "int16";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::INT64:
    return "int64";
  case onnx::TensorProto::STRING:
    return "string";
  case onnx::TensorProto::BOOL:
    return "bool";
  case onnx::TensorProto::FLOAT16:
    return "float16";
  case onnx::TensorProto::DOUBLE:
    return "float64";
  case onnx::TensorProto::UINT32:
    return "uint32";
  case onnx::TensorProto::UINT64:
    return "uint64";
  case onnx::TensorProto::COMPLEX64:
    return "complex64";
  case onnx::TensorProto::COMPLEX128:
    return "complex128";
  case onnx::TensorProto::BFLOAT16:
    return "bfloat16";
  default:
    return "undefined";
  }
}

Type onnx_import::elementTypeFor(MLIRContext *context, int32_t dtype) {
  switch (dtype) {
  case kFloat:
    return Float32Type::get(context);
  case kUInt8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case kInt64:
    return IntegerType::get(context, 64);
  default:
    return nullptr;
  }
}

/// Copies little-endian raw bytes into `values` after checking their size.
template <typename T>
static bool fromBytes(const onnx::TensorProto &tensor, const std::string &bytes,
                      int64_t count, SmallVectorImpl<T> &values,
                      std::string &error) {
  if (bytes.size() != static_cast<size_t>(count) * sizeof(T)) {
    error = "tensor '" + tensor.name() + "' has " +
            std::to_string(bytes.size()) + " bytes of data, expected " +
            std::to_string(count * sizeof(T));
    return false;
  }
  values.resize(count);
  if (count)
    std::memcpy(values.data(), bytes.data(), bytes.size());
  return true;
}

template <typename T, typename Field>
static bool fromField(const onnx::TensorProto &tensor, const Field &field,
                      int64_t count, SmallVectorImpl<T> &values,
                      std::string &error) {
  if (field.size() != count) {
    error = "tensor '" + tensor.name() + "' has " +
            std::to_string(field.size()) + " values, expected " +
            std::to_string(count);
    return false;
  }
  values.assign(field.begin(), field.end());
  return true;
}

DenseElementsAttr onnx_import::decodeTensor(MLIRContext *context,
                                            const onnx::TensorProto &tensor,
                                            std::string &error) {
  Type elementType = elementTypeFor(context, tensor.data_type());
  if (!elementType) {
    error = "tensor '" + tensor.name() + "' has unsupported dtype " +
            dtypeName(tensor.data_type());
    return nullptr;
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      error = "tensor '" + tensor.name() + "' has a negative dimension";
      return nullptr;
    }
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elementType);

  // validateModel inlined external data; anything left is a caller's bug
  // reported as an error, not read.
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensor '" + tensor.name() + "' uses external data here";
    return nullptr;
  }
  const std::string *bytes =
      tensor.has_raw_data() ? &tensor.raw_data() : nullptr;

  switch (tensor.data_type()) {
  case kFloat: {
    SmallVector<float> values;
    if (bytes ? !fromBytes(tensor, *bytes, count, values, error)
              : !fromField(tensor, tensor.float_data(), count, values, error))
      return nullptr;
    return DenseElementsAttr::get(type, llvm::ArrayRef(values));
  }
  case kInt64: {
    SmallVector<int64_t> values;
    if (bytes ? !fromBytes(tensor, *bytes, count, values, error)
              : !fromField(tensor, tensor.int64_data(), count, values, error))
      return nullptr;
    return DenseElementsAttr::get(type, llvm::ArrayRef(values));
  }
  default: {
    // uint8 travels in raw_data or, one value per entry, in int32_data
    // (validateTensor checked the range).
    SmallVector<uint8_t> values;
    if (bytes) {
      if (!fromBytes(tensor, *bytes, count, values, error))
        return nullptr;
    } else {
      SmallVector<int32_t> wide;
      if (!fromField(tensor, tensor.int32_data(), count, wide, error))
        return nullptr;
      values.assign(wide.begin(), wide.end());
    }
    SmallVector<APInt> ints;
    for (uint8_t v : values)
      ints.emplace_back(8, v);
    return DenseElementsAttr::get(type, ints);
  }
  }
}
