//===- Metadata.cpp - model metadata to module attributes -----------------===//
//
// The lowering reads the schema facts it needs (docs/spec.md §5) from module
// attributes: qsnn.time_steps, qsnn.input_kind, qsnn.class_names,
// qsnn.model_name and qsnn.opset.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

/// Class names are a JSON array of strings (what qsnn-train writes) or, for
/// hand-written onnxtext, where strings cannot hold quotes, a comma-separated
/// list.
static FailureOr<SmallVector<std::string>>
parseClassNames(llvm::StringRef text) {
  SmallVector<std::string> names;
  if (text.trim().starts_with("[")) {
    llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
    if (!json) {
      llvm::consumeError(json.takeError());
      return failure();
    }
    const llvm::json::Array *array = json->getAsArray();
    if (!array)
      return failure();
    for (const llvm::json::Value &entry : *array) {
      std::optional<llvm::StringRef> name = entry.getAsString();
      if (!name)
        return failure();
      names.push_back(name->str());
    }
    return names;
  }
  SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  for (llvm::StringRef part : parts)
    names.push_back(part.trim().str());
  return names;
}

LogicalResult Importer::importMetadata(ModuleOp module) {
  QSNNDialect &qsnnDialect = QSNNDialect::get(module.getContext());
  llvm::StringMap<std::string> meta;
  for (const onnx::StringStringEntryProto &entry : model.metadata_props())
    meta[entry.key()] = entry.value();

  auto it = meta.find("qsnn.schema_version");
  if (it != meta.end() && it->second != "1")
    return error() << "qsnn.schema_version '" << it->second
                   << "' is not supported (this importer reads version 1)";

  it = meta.find("qsnn.time_steps");
  if (it != meta.end()) {
    int64_t steps;
    if (llvm::StringRef(it->second).trim().getAsInteger(10, steps) || steps < 1)
      return error() << "metadata qsnn.time_steps must be a positive "
                        "integer, got '"
                     << it->second << "'";
    metaTimeSteps = steps;
    qsnnDialect.getTimeStepsAttrHelper().setAttr(module,
                                                 b.getI64IntegerAttr(steps));
  }

  std::string kind;
  it = meta.find("qsnn.input_kind");
  if (it != meta.end()) {
    kind = it->second;
    if (kind != "static" && kind != "events")
      return error() << "metadata qsnn.input_kind must be 'static' or "
                        "'events', got '"
                     << kind << "'";
  }
  // Event frames are the rank-5 uint8 inputs of §5.2; metadata may only
  // confirm what the inputs say.
  const onnx::ValueInfoProto *frames = nullptr;
  for (const onnx::ValueInfoProto &input : model.graph().input())
    if (input.type().tensor_type().elem_type() == kUInt8 &&
        input.type().tensor_type().shape().dim_size() == 5)
      frames = &input;
  if (kind.empty())
    kind = frames ? "events" : "static";
  else if (kind == "events" && !frames)
    return error() << "metadata qsnn.input_kind is 'events' but no graph "
                      "input is rank-5 uint8 event frames [T, N, C, H, W]";
  else if (kind == "static" && frames)
    return error() << "metadata qsnn.input_kind is 'static' but graph input '"
                   << frames->name()
                   << "' is rank-5 uint8 event frames [T, N, C, H, W]";
  qsnnDialect.getInputKindAttrHelper().setAttr(module, b.getStringAttr(kind));

  it = meta.find("qsnn.class_names");
  if (it != meta.end()) {
    FailureOr<SmallVector<std::string>> names = parseClassNames(it->second);
    if (failed(names))
      return error() << "metadata qsnn.class_names must be a JSON array of "
                        "strings or a comma-separated list";
    SmallVector<Attribute> attrs;
    for (const std::string &name : *names)
      attrs.push_back(b.getStringAttr(name));
    qsnnDialect.getClassNamesAttrHelper().setAttr(module,
                                                  b.getArrayAttr(attrs));
  }

  // Graph inputs made constants by --bind-input, in graph order.
  SmallVector<Attribute> bound;
  for (const onnx::ValueInfoProto &input : model.graph().input())
    if (options.boundInputs.count(input.name()))
      bound.push_back(b.getStringAttr(input.name()));
  if (!bound.empty())
    qsnnDialect.getBoundInputsAttrHelper().setAttr(module,
                                                   b.getArrayAttr(bound));

  qsnnDialect.getModelNameAttrHelper().setAttr(
      module, b.getStringAttr(model.graph().name()));
  auto opset = opsets.find("");
  if (opset != opsets.end())
    qsnnDialect.getOpsetAttrHelper().setAttr(
        module, b.getI64IntegerAttr(opset->second));
  return success();
}

LogicalResult Importer::checkMetadataAgainstGraph(ModuleOp module,
                                                  func::FuncOp func) {
  ArrayAttr names =
      QSNNDialect::get(module.getContext()).getClassNamesAttrHelper().getAttr(
          module);
  if (!names || names.empty() || func.getNumResults() == 0)
    return success();
  auto logits = dyn_cast<RankedTensorType>(func.getResultTypes().front());
  if (!logits || logits.getRank() != 2 || logits.isDynamicDim(1) ||
      logits.getDimSize(1) == static_cast<int64_t>(names.size()))
    return success();
  nodeLoc = FileLineColLoc::get(&context, path, 0, 0);
  current = nullptr;
  return error() << "metadata qsnn.class_names names " << names.size()
                 << " classes but the logits '"
                 << model.graph().output(0).name() << "' have "
                 << logits.getDimSize(1);
}
