//===- ModelDescription.cpp - read a model's interface --------------------===//
#include "qsnn/Pipeline/ModelDescription.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::qsnn;

StringRef qsnn::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::UInt8:
    return "uint8";
  case DType::Float32:
    return "float32";
  case DType::Int64:
    return "int64";
  }
  llvm_unreachable("unknown dtype");
}

int64_t TensorDescription::getNumBytes() const {
  int64_t elements = 1;
  for (int64_t extent : shape)
    elements *= extent;
  switch (dtype) {
  case DType::UInt8:
    return elements;
  case DType::Float32:
    return elements * 4;
  case DType::Int64:
    return elements * 8;
  }
  llvm_unreachable("unknown dtype");
}

bool qsnn::isValidSymbolPrefix(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

func::FuncOp qsnn::lookupEntryFunction(ModuleOp module,
                                       StringRef functionName) {
  auto func = module.lookupSymbol<func::FuncOp>(functionName);
  if (!func || func.isExternal() || func.isPrivate()) {
    module.emitError() << "the module has no public function '" << functionName
                       << "' with a body to compile";
    return nullptr;
  }
  return func;
}

namespace {

/// The ABI view of one argument or result type.
/// `defaultBatchDim` applies unless the argument or result carries
/// `qsnn.batch_dim`.
FailureOr<TensorDescription> describeTensor(Operation *anchor, Type type,
                                            DictionaryAttr attrs,
                                            StringRef fallbackName,
                                            int64_t defaultBatchDim) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return anchor->emitError() << fallbackName << " has type " << type
                               << "; the ABI needs statically shaped tensors";
  if (tensor.getRank() > 8)
    return anchor->emitError()
           << fallbackName << " has rank " << tensor.getRank()
           << "; the ABI allows at most 8 (QSNN_MAX_RANK)";
  TensorDescription desc;
  Type element = tensor.getElementType();
  if (element.isUnsignedInteger(8) || element.isSignlessInteger(8))
    desc.dtype = DType::UInt8;
  else if (element.isF32())
    desc.dtype = DType::Float32;
  else if (element.isInteger(64))
    desc.dtype = DType::Int64;
  else
    return anchor->emitError() << fallbackName << " has element type "
                               << element << "; the ABI knows ui8, f32 and i64";
  desc.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  auto name =
      attrs ? attrs.getAs<StringAttr>(QSNNDialect::NameAttrHelper::getNameStr())
            : StringAttr();
  desc.name = name ? name.str() : fallbackName.str();
  desc.batchDim = tensor.getRank() > 0 ? defaultBatchDim : -1;
  if (auto batchDim = attrs ? attrs.getAs<IntegerAttr>(
                                  QSNNDialect::BatchDimAttrHelper::getNameStr())
                            : IntegerAttr()) {
    desc.batchDim = batchDim.getInt();
    if (desc.batchDim < -1 || desc.batchDim >= tensor.getRank())
      return anchor->emitError() << fallbackName << " has qsnn.batch_dim "
                                 << desc.batchDim << " outside [-1, rank)";
  }
  return desc;
}

/// qsnn.time_steps of the module, else the largest `time_steps` attribute of
/// any op (encode, lif, readout), else 1.
int64_t findTimeSteps(ModuleOp module) {
  if (IntegerAttr attr = QSNNDialect::get(module.getContext())
                             .getTimeStepsAttrHelper()
                             .getAttr(module))
    return attr.getInt();
  int64_t steps = 1;
  module.walk([&](Operation *op) {
    if (auto attr = op->getAttrOfType<IntegerAttr>("time_steps"))
      steps = std::max(steps, attr.getInt());
  });
  return steps;
}

} // namespace

FailureOr<ModelDescription> qsnn::describeModel(ModuleOp module,
                                                StringRef functionName,
                                                StringRef symbolPrefix) {
  if (!isValidSymbolPrefix(symbolPrefix))
    return module.emitError() << "name '" << symbolPrefix
                              << "' is not a C identifier; it prefixes the "
                                 "artifact's symbols";
  func::FuncOp func = lookupEntryFunction(module, functionName);
  if (!func)
    return failure();

  ModelDescription desc;
  desc.name = symbolPrefix.str();
  desc.functionName = functionName.str();
  QSNNDialect &qsnn = QSNNDialect::get(module.getContext());
  if (StringAttr attr = qsnn.getModelNameAttrHelper().getAttr(module))
    desc.modelName = attr.str();
  if (StringAttr attr = qsnn.getInputKindAttrHelper().getAttr(module))
    desc.inputKind = attr.str();
  if (ArrayAttr names = qsnn.getClassNamesAttrHelper().getAttr(module))
    for (Attribute name : names)
      if (auto string = dyn_cast<StringAttr>(name))
        desc.classNames.push_back(string.str());
  desc.timeSteps = findTimeSteps(module);

  // Without a `qsnn.batch_dim` attribute: a Q-SNN model (it has
  // qsnn.time_steps, required metadata of the ai.qsnn schema) indexes
  // samples in dimension 0 of static images [N, C, H, W] and logits [N, K],
  // and in dimension 1 of event frames [T, N, ...]. Any other model runs on
  // exactly its shapes (-1).
  bool isQSNNModel = qsnn.getTimeStepsAttrHelper().isAttrPresent(module);
  int64_t inputBatchDim =
      !isQSNNModel ? -1 : (desc.inputKind == "events" ? 1 : 0);
  int64_t outputBatchDim = isQSNNModel ? 0 : -1;
  FunctionType type = func.getFunctionType();
  for (auto [index, input] : llvm::enumerate(type.getInputs())) {
    auto tensor =
        describeTensor(func, input, func.getArgAttrDict(index),
                       "input_" + std::to_string(index), inputBatchDim);
    if (failed(tensor))
      return failure();
    desc.inputs.push_back(*tensor);
  }
  for (auto [index, result] : llvm::enumerate(type.getResults())) {
    auto tensor =
        describeTensor(func, result, func.getResultAttrDict(index),
                       "output_" + std::to_string(index), outputBatchDim);
    if (failed(tensor))
      return failure();
    desc.outputs.push_back(*tensor);
  }
  if (desc.outputs.empty())
    return func.emitError() << "the model has no outputs";

  // The batch is the extent of the first batch dimension, outputs first
  // (the logits); a model without one runs one fixed-shape call: batch 1.
  desc.batch = 1;
  for (const auto *tensors : {&desc.outputs, &desc.inputs}) {
    auto it = llvm::find_if(*tensors, [](const TensorDescription &tensor) {
      return tensor.batchDim >= 0;
    });
    if (it != tensors->end()) {
      desc.batch = it->shape[it->batchDim];
      break;
    }
  }
  func.walk([&](IReadoutOp readout) {
    desc.numerics = "integer";
    desc.readoutFracBits = readout.getFracBits();
  });
  describeModelMemory(func, desc.batch, desc.memory);
  const TensorDescription &logits = desc.outputs.front();
  if (!desc.classNames.empty())
    desc.numClasses = desc.classNames.size();
  else if (logits.shape.size() == 2)
    desc.numClasses = logits.shape[1];
  return desc;
}
