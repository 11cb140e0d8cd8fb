//===- Importer.cpp - services the op handlers use ------------------------===//
//
// Input access, constant decoding and materialization, output recording with
// shape checks, and attribute readers. Every failure emits one diagnostic
// through error(), which names the current node.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"
#include "IRBuilders.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

InFlightDiagnostic Importer::error() {
  InFlightDiagnostic diag = emitError(nodeLoc);
  if (current)
    diag << "node '" << displayName(*current) << "' (" << current->op_type()
         << ", #" << currentIndex << "): ";
  return diag;
}

unsigned Importer::numInputs() const { return current->input_size(); }
unsigned Importer::numOutputs() const { return current->output_size(); }

bool Importer::hasInput(unsigned i) const {
  return i < numInputs() && !current->input(i).empty();
}

const std::string &Importer::inputName(unsigned i) const {
  return current->input(i);
}

TensorInfo &Importer::input(unsigned i) {
  // The walker checked that every named input is defined.
  return tensors.find(current->input(i))->second;
}

TensorInfo *Importer::lookup(llvm::StringRef tensor) {
  auto it = tensors.find(tensor);
  return it == tensors.end() ? nullptr : &it->second;
}

const onnx::NodeProto *Importer::producerOf(llvm::StringRef tensor,
                                            unsigned *index) const {
  auto it = producers.find(tensor);
  if (it == producers.end())
    return nullptr;
  if (index)
    *index = it->second.second;
  return it->second.first;
}

FailureOr<DenseElementsAttr> Importer::decode(TensorInfo &info,
                                              llvm::StringRef name) {
  if (info.constant)
    return info.constant;
  std::string message;
  info.constant = decodeTensor(&context, *info.proto, message);
  if (!info.constant) {
    error() << message;
    return failure();
  }
  return info.constant;
}

FailureOr<Value> Importer::materialize(TensorInfo &info, llvm::StringRef name,
                                       bool allowUInt8) {
  auto badType = [&]() -> FailureOr<Value> {
    InFlightDiagnostic diag = error();
    diag << "unsupported dtype " << dtypeName(info.dtype) << " of tensor '"
         << name << "'";
    if (info.dtype == kInt64)
      diag << " (int64 is only supported as a compile-time constant for "
              "shapes and axes)";
    else if (info.dtype == kUInt8)
      diag << " (uint8 is not supported by this operation)";
    else
      diag << " (supported: float32, and uint8 for graph inputs)";
    return failure();
  };
  if (info.dtype != kFloat && !(allowUInt8 && info.dtype == kUInt8))
    return badType();
  if (info.value)
    return info.value;
  DenseElementsAttr attr;
  if (info.quant) {
    // A quantized weight used as a plain tensor: fold levels * scale.
    SmallVector<float> values;
    ArrayRef<int64_t> shape = info.quant->levels.getType().getShape();
    auto scaleShape = info.quant->scale.getType().getShape();
    auto scale = llvm::to_vector(info.quant->scale.getValues<float>());
    auto levels = llvm::to_vector(info.quant->levels.getValues<float>());
    int64_t rank = shape.size();
    for (int64_t flat = 0, n = levels.size(); flat < n; ++flat) {
      int64_t rest = flat, scaleIndex = 0, stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        int64_t coord = rest % shape[d];
        rest /= shape[d];
        int64_t sd = d - (rank - static_cast<int64_t>(scaleShape.size()));
        if (sd >= 0) {
          if (scaleShape[sd] != 1)
            scaleIndex += coord * stride;
          stride *= scaleShape[sd];
        }
      }
      values.push_back(levels[flat] * scale[scaleIndex]);
    }
    attr = DenseElementsAttr::get(info.quant->levels.getType(),
                                  llvm::ArrayRef(values));
  } else {
    FailureOr<DenseElementsAttr> decoded = decode(info, name);
    if (failed(decoded))
      return failure();
    attr = *decoded;
  }
  info.value = materializeConstant(b, loc(), attr, name);
  return info.value;
}

FailureOr<Value> Importer::runtimeInput(unsigned i, bool allowUInt8) {
  return materialize(input(i), inputName(i), allowUInt8);
}

FailureOr<DenseElementsAttr> Importer::constantInput(unsigned i,
                                                     llvm::StringRef role) {
  TensorInfo &info = input(i);
  if (!info.proto && !info.constant) {
    error() << role << " '" << inputName(i)
            << "' must be a constant (an initializer or a Constant node)"
            << (info.value || info.quant ? "" : "; it is a graph input");
    return failure();
  }
  return decode(info, inputName(i));
}

FailureOr<SmallVector<int64_t>> Importer::int64Input(unsigned i,
                                                     llvm::StringRef role) {
  FailureOr<DenseElementsAttr> attr = constantInput(i, role);
  if (failed(attr))
    return failure();
  if (!attr->getElementType().isInteger(64)) {
    error() << role << " '" << inputName(i) << "' must be int64, got "
            << dtypeName(input(i).dtype);
    return failure();
  }
  return llvm::to_vector(attr->getValues<int64_t>());
}

FailureOr<SmallVector<float>>
Importer::floatConstantInput(unsigned i, llvm::StringRef role) {
  FailureOr<DenseElementsAttr> attr = constantInput(i, role);
  if (failed(attr))
    return failure();
  if (!attr->getElementType().isF32()) {
    error() << role << " '" << inputName(i) << "' must be float32, got "
            << dtypeName(input(i).dtype);
    return failure();
  }
  return llvm::to_vector(attr->getValues<float>());
}

static int32_t dtypeOf(Type element) {
  if (element.isF32())
    return kFloat;
  if (element.isInteger(64))
    return kInt64;
  return kUInt8;
}

LogicalResult Importer::setOutput(unsigned i, Value value) {
  const std::string &name = current->output(i);
  if (name.empty())
    return success();
  auto type = cast<RankedTensorType>(value.getType());
  TensorInfo info;
  info.dtype = dtypeOf(type.getElementType());
  info.shape.assign(type.getShape().begin(), type.getShape().end());
  info.value = value;
  if (failed(checkShape(name, info.shape, info.dtype)))
    return failure();
  tensors[name] = std::move(info);
  return success();
}

LogicalResult Importer::setOutputConstant(unsigned i,
                                          DenseElementsAttr constant) {
  const std::string &name = current->output(i);
  if (name.empty())
    return success();
  TensorInfo info;
  info.dtype = dtypeOf(constant.getElementType());
  auto shape = constant.getType().getShape();
  info.shape.assign(shape.begin(), shape.end());
  info.constant = constant;
  if (failed(checkShape(name, info.shape, info.dtype)))
    return failure();
  tensors[name] = std::move(info);
  return success();
}

LogicalResult Importer::setOutputQuant(unsigned i,
                                       std::shared_ptr<QuantizedWeight> quant) {
  const std::string &name = current->output(i);
  TensorInfo info;
  info.dtype = kFloat;
  auto shape = quant->levels.getType().getShape();
  info.shape.assign(shape.begin(), shape.end());
  info.quant = std::move(quant);
  if (failed(checkShape(name, info.shape, info.dtype)))
    return failure();
  tensors[name] = std::move(info);
  return success();
}

LogicalResult Importer::forwardInput(unsigned i, unsigned j) {
  TensorInfo copy = input(j);
  if (failed(checkShape(current->output(i), copy.shape, copy.dtype)))
    return failure();
  tensors[current->output(i)] = std::move(copy);
  return success();
}

Value Importer::constant(DenseElementsAttr attr, llvm::StringRef nameHint) {
  return materializeConstant(b, loc(), attr, nameHint);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *Importer::findAttr(llvm::StringRef name) const {
  for (const onnx::AttributeProto &attr : current->attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

/// Finds `name` and checks its type; null (without error) when absent.
template <typename Fn>
static LogicalResult readAttr(Importer &imp, llvm::StringRef name,
                              onnx::AttributeProto::AttributeType type,
                              const char *typeName, Fn read) {
  const onnx::AttributeProto *attr = imp.findAttr(name);
  if (!attr)
    return success();
  if (attr->type() != type) {
    imp.error() << "attribute '" << name << "' must be of type " << typeName;
    return failure();
  }
  read(*attr);
  return success();
}

LogicalResult Importer::getAttr(llvm::StringRef name, int64_t &value) {
  return readAttr(*this, name, onnx::AttributeProto::INT, "int",
                  [&](const onnx::AttributeProto &a) { value = a.i(); });
}

LogicalResult Importer::getAttr(llvm::StringRef name, float &value) {
  return readAttr(*this, name, onnx::AttributeProto::FLOAT, "float",
                  [&](const onnx::AttributeProto &a) { value = a.f(); });
}

LogicalResult Importer::getAttr(llvm::StringRef name, std::string &value) {
  return readAttr(*this, name, onnx::AttributeProto::STRING, "string",
                  [&](const onnx::AttributeProto &a) { value = a.s(); });
}

LogicalResult Importer::getAttr(llvm::StringRef name,
                                SmallVectorImpl<int64_t> &value) {
  return readAttr(*this, name, onnx::AttributeProto::INTS, "ints",
                  [&](const onnx::AttributeProto &a) {
                    value.assign(a.ints().begin(), a.ints().end());
                  });
}

LogicalResult Importer::getAttr(llvm::StringRef name,
                                SmallVectorImpl<float> &value) {
  return readAttr(*this, name, onnx::AttributeProto::FLOATS, "floats",
                  [&](const onnx::AttributeProto &a) {
                    value.assign(a.floats().begin(), a.floats().end());
                  });
}
