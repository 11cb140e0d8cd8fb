//===- ModelValidation.cpp - check an ONNX model before anything reads it -===//
#include "ModelValidation.h"
#include "TensorData.h"

#include "qsnn/Import/ImportONNX.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

/// Bytes of one element of a fixed-width dtype; 0 for strings and unknown
/// types.
int64_t elementBytes(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return 1;
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// Values the typed field of `tensor`'s dtype holds, per element.
int64_t typedFieldValues(const onnx::TensorProto &tensor, int64_t &perElement) {
  perElement = 1;
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return tensor.float_data_size();
  case onnx::TensorProto::COMPLEX64:
    perElement = 2;
    return tensor.float_data_size();
  case onnx::TensorProto::INT64:
    return tensor.int64_data_size();
  case onnx::TensorProto::DOUBLE:
    return tensor.double_data_size();
  case onnx::TensorProto::COMPLEX128:
    perElement = 2;
    return tensor.double_data_size();
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return tensor.uint64_data_size();
  case onnx::TensorProto::STRING:
    return tensor.string_data_size();
  default:
    return tensor.int32_data_size();
  }
}

/// A decimal "offset"/"length" entry of external data; false if malformed.
bool parseCount(const std::string &text, uint64_t &value) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  value = std::stoull(text);
  return true;
}

/// Reads the external data of `tensor` from a regular file inside
/// `modelDir` (symlinks resolved) into raw_data.
std::string inlineExternalData(onnx::TensorProto &tensor, llvm::StringRef what,
                               llvm::StringRef modelDir) {
  if (modelDir.empty())
    return what.str() + " uses external data, which is not allowed here";
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    const std::string &key = entry.key();
    if (key == "location")
      location = entry.value();
    else if (key == "offset" && !parseCount(entry.value(), offset))
      return what.str() + ": external data offset '" + entry.value() +
             "' is not a byte count";
    else if (key == "length" && !(hasLength = parseCount(entry.value(), length)))
      return what.str() + ": external data length '" + entry.value() +
             "' is not a byte count";
  }
  if (location.empty())
    return what.str() + ": external data has no location";
  if (llvm::sys::path::is_absolute(location))
    return what.str() + ": external data location '" + location +
           "' is absolute; it must be a file inside the model's folder";
  llvm::SmallString<256> folder, file, joined(modelDir);
  llvm::sys::path::append(joined, location);
  if (llvm::sys::fs::real_path(modelDir, folder) ||
      llvm::sys::fs::real_path(joined, file))
    return what.str() + ": external data file '" + location +
           "' does not exist in the model's folder";
  llvm::StringRef inside(file);
  if (!inside.consume_front(folder) || !inside.starts_with("/"))
    return what.str() + ": external data location '" + location +
           "' leaves the model's folder (resolved to " + file.str().str() +
           ")";
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(file, status) ||
      status.type() != llvm::sys::fs::file_type::regular_file)
    return what.str() + ": external data '" + location +
           "' is not a regular file";
  uint64_t size = status.getSize();
  if (!hasLength)
    length = offset <= size ? size - offset : 0;
  if (offset > size || length > size - offset)
    return what.str() + ": external data '" + location + "' has " +
           std::to_string(size) + " bytes; offset " + std::to_string(offset) +
           " + length " + std::to_string(length) + " is past its end";
  auto slice = llvm::MemoryBuffer::getFileSlice(file, length, offset);
  if (!slice)
    return what.str() + ": cannot read external data '" + location +
           "': " + slice.getError().message();
  tensor.set_raw_data((*slice)->getBufferStart(), (*slice)->getBufferSize());
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return "";
}

/// The index of the first NaN or infinity among `count` values, or -1.
template <typename T> int64_t firstNonFinite(const T *values, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      return i;
  return -1;
}

std::string checkFinite(const onnx::TensorProto &tensor, llvm::StringRef what,
                        int64_t count) {
  int64_t bad = -1;
  double value = 0;
  auto scan = [&](auto tag, const auto *field, const std::string &raw) {
    using T = decltype(tag);
    if (!raw.empty()) {
      std::vector<T> values(count);
      std::memcpy(values.data(), raw.data(), count * sizeof(T));
      bad = firstNonFinite(values.data(), count);
      if (bad >= 0)
        value = values[bad];
    } else {
      bad = firstNonFinite(field, count);
      if (bad >= 0)
        value = field[bad];
    }
  };
  if (tensor.data_type() == onnx::TensorProto::FLOAT)
    scan(float(), tensor.float_data().data(), tensor.raw_data());
  else if (tensor.data_type() == onnx::TensorProto::DOUBLE)
    scan(double(), tensor.double_data().data(), tensor.raw_data());
  if (bad < 0)
    return "";
  return what.str() + " holds " +
         (std::isnan(value) ? "NaN" : value > 0 ? "+inf" : "-inf") +
         " at element " + std::to_string(bad) +
         "; weights, scales, zero points and statistics must be finite";
}

} // namespace

std::string onnx_import::validateTensor(onnx::TensorProto &tensor,
                                        llvm::StringRef what,
                                        llvm::StringRef modelDir) {
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return what.str() + " has a negative dimension " + std::to_string(d);
    if (d > 0 && count > kMaxTensorElements / d)
      return what.str() + " has more than 2^32 elements";
    count *= d;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    if (std::string error = inlineExternalData(tensor, what, modelDir);
        !error.empty())
      return error;
  int64_t width = elementBytes(tensor.data_type());
  int64_t perElement = 1;
  int64_t typed = typedFieldValues(tensor, perElement);
  if (tensor.has_raw_data()) {
    if (width == 0)
      return what.str() + " has raw_data but dtype " +
             dtypeName(tensor.data_type()) + " has no fixed width";
    if (static_cast<int64_t>(tensor.raw_data().size()) != count * width)
      return what.str() + " has " + std::to_string(tensor.raw_data().size()) +
             " bytes of raw_data; its dims need " +
             std::to_string(count * width) + " (" + std::to_string(count) +
             " x " + dtypeName(tensor.data_type()) + ")";
    if (typed != 0)
      return what.str() + " has both raw_data and " + std::to_string(typed) +
             " typed values";
  } else if (typed != count * perElement) {
    return what.str() + " has " + std::to_string(typed) +
           " values; its dims need " + std::to_string(count * perElement);
  }
  if (tensor.data_type() == onnx::TensorProto::UINT8)
    for (int64_t i = 0; i < tensor.int32_data_size(); ++i)
      if (tensor.int32_data(i) < 0 || tensor.int32_data(i) > 255)
        return what.str() + " holds " + std::to_string(tensor.int32_data(i)) +
               " at element " + std::to_string(i) + ", outside uint8's 0..255";
  return checkFinite(tensor, what, count);
}

namespace {

std::string validateNode(onnx::NodeProto &node, llvm::StringRef modelDir) {
  std::string name = "node '" + (node.name().empty() ? node.op_type()
                                                     : node.name()) +
                     "' (" + node.op_type() + ")";
  llvm::StringSet<> seen;
  for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
    if (!seen.insert(attr.name()).second)
      return name + " gives attribute '" + attr.name() + "' twice";
    if (attr.has_t())
      if (std::string error = validateTensor(
              *attr.mutable_t(), name + " attribute '" + attr.name() + "'",
              modelDir);
          !error.empty())
        return error;
    for (onnx::TensorProto &tensor : *attr.mutable_tensors())
      if (std::string error = validateTensor(
              tensor, name + " attribute '" + attr.name() + "'", modelDir);
          !error.empty())
        return error;
  }
  return "";
}

/// Static input dims must be positive-or-symbolic and their product sane.
std::string validateInput(const onnx::ValueInfoProto &input) {
  if (!input.type().has_tensor_type() ||
      !input.type().tensor_type().has_shape())
    return "";
  int64_t count = 1;
  for (const auto &dim : input.type().tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      continue;
    int64_t d = dim.dim_value();
    if (d < 0)
      return "graph input '" + input.name() + "' has a negative dimension " +
             std::to_string(d);
    if (d > 0 && count > kMaxTensorElements / d)
      return "graph input '" + input.name() +
             "' has more than 2^32 elements";
    count *= std::max<int64_t>(d, 1);
  }
  return "";
}

} // namespace

std::string mlir::qsnn::validateTensorFile(onnx::TensorProto &tensor,
                                          llvm::StringRef what) {
  return validateTensor(tensor, what, /*modelDir=*/"");
}

std::string onnx_import::validateModel(onnx::ModelProto &model,
                                       llvm::StringRef modelDir) {
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initialized;
  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (std::string error = validateTensor(
            tensor, "initializer '" + tensor.name() + "'", modelDir);
        !error.empty())
      return error;
    initialized.insert(tensor.name());
  }
  for (onnx::NodeProto &node : *graph.mutable_node())
    if (std::string error = validateNode(node, modelDir); !error.empty())
      return error;
  bool hasRuntimeInput = false;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (std::string error = validateInput(input); !error.empty())
      return error;
    hasRuntimeInput |= !initialized.contains(input.name());
  }
  if (graph.input_size() > 0 && !hasRuntimeInput)
    return "every graph input has an initializer of the same name (e.g. '" +
           graph.input(0).name() +
           "'), so the model would take no input; remove the initializer "
           "or bind inputs on purpose with --bind-input";
  return "";
}
