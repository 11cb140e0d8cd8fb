//===- GraphImporter.cpp - walks an ONNX graph into one func.func ---------===//
//
// Module attributes from the metadata, opset checks, the function signature
// (graph inputs that are not initializers), then every node in graph order
// through the op table, then the results. Values the schema patterns
// replaced (a Cast/Sub before qsnn.normalize, a Reshape before
// qsnn.readout, ...) are emitted eagerly and dropped at the end when nothing
// uses them.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"

#include <onnx/onnx_pb.h>

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"

#include <climits>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

static constexpr int64_t kMinOpset = 1;
static constexpr int64_t kMaxOpset = 17;

static bool isQuantizerDomain(llvm::StringRef domain) {
  return domain == "qonnx.custom_op.general" || domain == "onnx.brevitas" ||
         domain == "finn.custom_op.general";
}

/// The op table key prefix of a domain, or nullopt when unsupported.
static std::optional<llvm::StringRef> tableDomain(llvm::StringRef domain) {
  if (domain.empty() || domain == "ai.onnx")
    return llvm::StringRef("");
  if (domain == "ai.qsnn")
    return domain;
  if (isQuantizerDomain(domain))
    return llvm::StringRef("qonnx");
  return std::nullopt;
}

Importer::Importer(MLIRContext &context, llvm::StringRef path,
                   const OnnxImportOptions &options,
                   const onnx::ModelProto &model, const ShapeMap &inferred)
    : context(context), path(path.str()),
      options(options),
      model(model), inferred(inferred), b(&context),
      nodeLoc(FileLineColLoc::get(&context, path, 0, 0)) {
  registerConvPoolOps(table);
  registerElementwiseOps(table);
  registerMatMulOps(table);
  registerQuantizerOps(table);
  registerReduceOps(table);
  registerShapeOps(table);
  registerSpikingOps(table);
}

std::string Importer::displayName(const onnx::NodeProto &node) const {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : std::string("<unnamed>");
}

Location Importer::locationFor(llvm::StringRef name) {
  return NameLoc::get(StringAttr::get(&context, name),
                      FileLineColLoc::get(&context, path, 0, 0));
}

LogicalResult Importer::checkOpsets() {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    llvm::StringRef domain = opset.domain();
    int64_t version = opset.version();
    if (domain.empty() || domain == "ai.onnx") {
      if (version < kMinOpset || version > kMaxOpset)
        return error() << "ai.onnx opset " << version
                       << " is not supported (qsnn imports opsets " << kMinOpset
                       << " to " << kMaxOpset << ")";
      opsets[""] = version;
      continue;
    }
    if (domain == "ai.qsnn" && version != 1)
      return error() << "ai.qsnn opset " << version
                     << " is not supported (schema version 1)";
    opsets[domain] = version;
  }
  return success();
}

LogicalResult Importer::declareConstants() {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    TensorInfo info;
    info.dtype = tensor.data_type();
    info.shape.assign(tensor.dims().begin(), tensor.dims().end());
    info.proto = &tensor;
    tensors[tensor.name()] = std::move(info);
  }
  if (graph.sparse_initializer_size())
    return error() << "sparse initializers are not supported";
  for (const onnx::ValueInfoProto &info : graph.value_info())
    declared[info.name()] = &info;
  for (const onnx::ValueInfoProto &info : graph.output())
    declared[info.name()] = &info;
  return success();
}

LogicalResult Importer::buildSignature(func::FuncOp &func) {
  const onnx::GraphProto &graph = model.graph();
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (tensors.count(input.name()) && tensors[input.name()].proto)
      continue; // An initializer with a default: a constant, not an argument.
    nodeLoc = locationFor(input.name());
    if (!input.type().has_tensor_type())
      return error() << "graph input '" << input.name()
                     << "' is not a tensor (sequence, map and optional "
                        "types are not supported)";
    int32_t dtype = input.type().tensor_type().elem_type();
    if (!input.type().tensor_type().has_shape())
      return error() << "graph input '" << input.name() << "' has no shape";
    TensorInfo info;
    info.dtype = dtype;
    for (const auto &dim : input.type().tensor_type().shape().dim()) {
      if (dim.has_dim_value() && dim.dim_value() == 0)
        return error() << "graph input '" << input.name()
                       << "' has a zero-sized dimension";
      info.shape.push_back(dim.has_dim_value() && dim.dim_value() > 0
                               ? dim.dim_value()
                               : options.batchSize);
    }
    if (dtype != kFloat && dtype != kUInt8) {
      // Not an argument: the first node that reads it reports the dtype (or,
      // for shapes and axes, that they must be constants).
      tensors[input.name()] = std::move(info);
      unsupportedInputs.push_back(input.name());
      continue;
    }
    argTypes.push_back(tensorType(elementTypeFor(&context, dtype), info.shape));
    argNames.push_back(input.name());
    tensors[input.name()] = std::move(info);
  }
  nodeLoc = FileLineColLoc::get(&context, path, 0, 0);
  func = b.create<func::FuncOp>(nodeLoc, options.functionName,
                                b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, QSNNDialect::NameAttrHelper::getNameStr(),
                    b.getStringAttr(name));
    // uint8 arguments are used through an i8 view (dropped if unused, as
    // when qsnn.normalize reads the argument itself).
    tensors[name].value =
        toSignless(b, locationFor(name), entry->getArgument(i));
  }
  return success();
}

std::string Importer::versionedOp() const {
  return current->op_type() + "-" + std::to_string(nodeVersion) + " (opset " +
         std::to_string(nodeOpset) + ")";
}

LogicalResult Importer::resolveVersion(const OpSpec &spec) {
  nodeVersion = nodeOpset;
  if (!tableDomain(current->domain())->empty())
    return success();
  OpVersion version = resolveOpVersion(current->op_type(), "", nodeOpset);
  if (version.since == 0) {
    InFlightDiagnostic diag = error() << current->op_type()
                                      << " is not defined in ai.onnx opset "
                                      << nodeOpset;
    if (version.introduced)
      diag << " (it was introduced in opset " << version.introduced << ")";
    return diag;
  }
  nodeVersion = version.since;
  if (version.deprecated)
    return error() << versionedOp() << " is deprecated";
  for (const UnsupportedForm &form : spec.unsupported)
    if (nodeVersion >= form.since && nodeVersion < form.until)
      return error() << versionedOp() << " " << form.reason
                     << ", which qsnn does not support; re-export with opset "
                        ">= "
                     << form.until;
  return success();
}

LogicalResult Importer::checkAttributes(const OpSpec &spec) {
  for (const onnx::AttributeProto &attr : current->attribute()) {
    auto match = llvm::find_if(spec.attributes, [&](const AttrSpec &s) {
      return attr.name() == s.name;
    });
    if (match == spec.attributes.end())
      return error() << "unsupported attribute '" << attr.name() << "'";
    if (nodeVersion < match->since || nodeVersion >= match->until)
      return error() << "attribute '" << attr.name() << "' is not part of "
                     << versionedOp();
  }
  return success();
}

LogicalResult Importer::checkArity(const OpSpec &spec) {
  unsigned minInputs = spec.minInputs, maxInputs = spec.maxInputs;
  for (const ArityForm &form : spec.arities) {
    if (nodeVersion >= form.since && nodeVersion < form.until) {
      minInputs = form.minInputs;
      maxInputs = form.maxInputs;
    }
  }
  unsigned inputs = current->input_size();
  if (inputs < minInputs || inputs > maxInputs) {
    InFlightDiagnostic diag = error() << "expects ";
    if (minInputs == maxInputs)
      diag << minInputs;
    else if (maxInputs == UINT_MAX)
      diag << "at least " << minInputs;
    else
      diag << minInputs << " to " << maxInputs;
    return diag << (maxInputs == 1 ? " input" : " inputs") << ", got "
                << inputs;
  }
  for (unsigned i = 0; i < minInputs; ++i)
    if (current->input(i).empty())
      return error() << "input #" << i << " is required";
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node,
                                   unsigned index) {
  current = &node;
  currentIndex = index;
  nodeLoc = locationFor(displayName(node));
  llvm::StringRef domain = node.domain();
  std::optional<llvm::StringRef> prefix = tableDomain(domain);
  if (!prefix)
    return error() << "unsupported domain '" << domain
                   << "' (supported: ai.onnx, ai.qsnn, "
                      "qonnx.custom_op.general, onnx.brevitas, "
                      "finn.custom_op.general)";
  llvm::StringRef opsetKey = prefix->empty() ? llvm::StringRef("") : domain;
  auto opset = opsets.find(opsetKey);
  if (opset == opsets.end())
    return error() << "domain '" << (domain.empty() ? "ai.onnx" : domain)
                   << "' is not imported by the model (opset_import)";
  nodeOpset = opset->second;
  auto spec = table.find((*prefix + "::" + node.op_type()).str());
  if (spec == table.end())
    return error() << "unsupported op '" << node.op_type() << "'"
                   << (domain.empty() ? ""
                                      : " in domain '" + domain.str() + "'");
  const OpSpec &op = spec->second;
  if (failed(resolveVersion(op)) || failed(checkAttributes(op)))
    return failure();
  if (failed(checkArity(op)))
    return failure();
  if (node.output_size() == 0 || node.output(0).empty())
    return error() << "has no output";
  if (static_cast<unsigned>(node.output_size()) > spec->second.maxOutputs)
    return error() << "has " << node.output_size()
                   << " outputs; only the first " << spec->second.maxOutputs
                   << " supported";
  for (const std::string &name : node.input())
    if (!name.empty() && !tensors.count(name))
      return error() << "input '" << name
                     << "' is not a graph input, an initializer or the "
                        "output of an earlier node";
  for (const std::string &name : node.output())
    if (!name.empty() && tensors.count(name))
      return error() << "output '" << name << "' is already defined";
  if (failed(spec->second.handler(*this)))
    return failure();
  for (const std::string &name : node.output()) {
    if (name.empty())
      continue;
    if (!tensors.count(name))
      return error() << "output '" << name << "' is not supported";
    producers[name] = {&node, index};
  }
  return success();
}

LogicalResult Importer::checkShape(llvm::StringRef name,
                                   ArrayRef<int64_t> shape, int32_t dtype) {
  auto mismatch = [&](llvm::StringRef source, ArrayRef<int64_t> other) {
    return error() << "computed shape " << formatShape(shape) << " for '"
                   << name << "' but " << source << " " << formatShape(other);
  };
  if (const onnx::ValueInfoProto *info = declared.lookup(name);
      info && info->type().has_tensor_type()) {
    const auto &tensor = info->type().tensor_type();
    if (tensor.elem_type() != kUndefined && tensor.elem_type() != dtype)
      return error() << "'" << name << "' is " << dtypeName(dtype)
                     << " but the model declares "
                     << dtypeName(tensor.elem_type());
    if (tensor.has_shape()) {
      SmallVector<int64_t> dims;
      bool same = tensor.shape().dim_size() == static_cast<int>(shape.size());
      for (auto [i, dim] : llvm::enumerate(tensor.shape().dim())) {
        dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        if (same && dim.has_dim_value() && dim.dim_value() != shape[i])
          same = false;
      }
      if (!same)
        return mismatch("the model declares", dims);
    }
  }
  auto it = inferred.find(name);
  if (it != inferred.end()) {
    ArrayRef<int64_t> dims = it->second;
    bool same = dims.size() == shape.size();
    for (size_t i = 0; same && i < dims.size(); ++i)
      same = dims[i] < 0 || dims[i] == shape[i];
    if (!same)
      return mismatch("ONNX shape inference gives", dims);
  }
  return success();
}

LogicalResult Importer::finishOutputs(func::FuncOp func) {
  current = nullptr;
  SmallVector<Value> results;
  SmallVector<std::string> names;
  for (const onnx::ValueInfoProto &output : model.graph().output()) {
    nodeLoc = locationFor(output.name());
    TensorInfo *info = lookup(output.name());
    if (!info)
      return error() << "graph output '" << output.name()
                     << "' is not produced by any node";
    FailureOr<Value> value = materialize(*info, output.name(), true);
    if (failed(value))
      return failure();
    results.push_back(
        info->dtype == kUInt8
            ? fromSignless(b, nodeLoc, *value, elementTypeFor(&context, kUInt8))
            : *value);
    names.push_back(output.name());
  }
  b.create<func::ReturnOp>(nodeLoc, results);
  func.setFunctionType(b.getFunctionType(func.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(names))
    func.setResultAttr(i, QSNNDialect::NameAttrHelper::getNameStr(),
                       b.getStringAttr(name));
  return success();
}

/// Drops ops whose results nothing uses (what a schema pattern replaced).
static void eraseDeadOps(func::FuncOp func) {
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

OwningOpRef<ModuleOp> Importer::run() {
  nodeLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (!model.has_graph() || model.opset_import_size() == 0) {
    error() << "not an ONNX model: it has no graph or no opset_import";
    return nullptr;
  }
  if (failed(checkOpsets()) || failed(declareConstants()))
    return nullptr;
  OwningOpRef<ModuleOp> module = ModuleOp::create(nodeLoc);
  b.setInsertionPointToEnd(module->getBody());
  if (failed(importMetadata(*module)))
    return nullptr;
  func::FuncOp func;
  if (failed(buildSignature(func)))
    return nullptr;
  for (auto [index, node] : llvm::enumerate(model.graph().node()))
    if (failed(importNode(node, index)))
      return nullptr;
  if (!unsupportedInputs.empty()) {
    current = nullptr;
    nodeLoc = locationFor(unsupportedInputs.front());
    error() << "unsupported dtype "
            << dtypeName(tensors[unsupportedInputs.front()].dtype)
            << " of graph input '" << unsupportedInputs.front()
            << "' (supported: float32, uint8)";
    return nullptr;
  }
  if (failed(finishOutputs(func)) ||
      failed(checkMetadataAgainstGraph(*module, func)))
    return nullptr;
  eraseDeadOps(func);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}
