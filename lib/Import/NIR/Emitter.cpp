//===- Emitter.cpp - graph walk, parameters, inputs and outputs -----------===//
#include "Emitter.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::nir_import;

bool Param::isUniform() const {
  return llvm::all_of(values, [&](double v) { return v == values.front(); });
}

std::string mlir::qsnn::nir_import::formatShape(const Shape &shape) {
  std::string text = "[";
  for (auto [i, extent] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(extent);
  return text + "]";
}

Emitter::Emitter(MLIRContext &context, llvm::StringRef path,
                 const NirImportOptions &options, const NirGraph &graph)
    : b(&context), options(options), graph(graph),
      loc(UnknownLoc::get(&context)), context(context), path(path.str()),
      fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

LogicalResult Emitter::fail(const llvm::Twine &what) {
  if (message.empty())
    message = (node ? describeNode(*node) + ": " : std::string()) + what.str();
  return failure();
}

LogicalResult Emitter::failEdge(const llvm::Twine &what) {
  if (message.empty())
    message = graph.describeEdge(node->inputs.front()) + ": " + what.str();
  return failure();
}

FailureOr<std::optional<Param>> Emitter::param(llvm::StringRef name,
                                               bool required) {
  const H5Node *data = node->group->member(name);
  if (!data) {
    if (required)
      return fail("has no parameter '" + name + "'");
    return std::optional<Param>();
  }
  if (data->kind != H5Node::Kind::Numeric)
    return fail("parameter '" + name + "' is not numeric");
  if (data->numElements() == 0)
    return fail("parameter '" + name + "' is empty");
  for (double value : data->numbers)
    if (!std::isfinite(value))
      return fail("parameter '" + name + "' is not finite");
  return std::optional<Param>(Param{data->shape, data->numbers});
}

static int64_t numElements(const Shape &shape) {
  int64_t elements = 1;
  for (int64_t extent : shape)
    elements *= extent;
  return elements;
}

FailureOr<Param> Emitter::neuronParam(llvm::StringRef name, const Shape &shape,
                                      std::optional<double> fallback) {
  FailureOr<std::optional<Param>> p = param(name, !fallback);
  if (failed(p))
    return failure();
  if (!*p)
    return Param{{}, {*fallback}};
  if ((*p)->values.size() != 1 && (*p)->shape != shape &&
      !((*p)->values.size() == static_cast<size_t>(numElements(shape)) &&
        (*p)->shape.size() == 1 && shape.size() == 1))
    return failEdge("the input has shape " + formatShape(shape) + " but '" +
                    node->name + "' has '" + name + "' of shape " +
                    formatShape((*p)->shape));
  return **p;
}

FailureOr<std::vector<int64_t>>
Emitter::intPair(llvm::StringRef name, std::optional<int64_t> fallback,
                 size_t count) {
  FailureOr<std::optional<Param>> p = param(name, !fallback);
  if (failed(p))
    return failure();
  if (!*p)
    return std::vector<int64_t>(count, *fallback);
  std::vector<int64_t> result;
  for (double value : (*p)->values) {
    if (value != std::floor(value) || std::fabs(value) > (1 << 24))
      return fail("parameter '" + name + "' must hold integers");
    result.push_back(static_cast<int64_t>(value));
  }
  if (result.size() == 1)
    result.assign(count, result.front());
  if (result.size() != count)
    return fail("parameter '" + name + "' must hold 1 or " +
                std::to_string(count) + " values, got " +
                std::to_string(result.size()));
  return result;
}

std::optional<std::string> Emitter::stringParam(llvm::StringRef name) {
  const H5Node *data = node->group->member(name);
  if (!data || data->kind != H5Node::Kind::String || data->strings.size() != 1)
    return std::nullopt;
  return data->strings.front();
}

FailureOr<std::optional<Shape>> Emitter::declaredShape(llvm::StringRef key,
                                                       llvm::StringRef member) {
  const H5Node *data = node->group->member("shape");
  if (!data)
    data = node->group->member(key);
  if (data && data->isGroup())
    data = data->member(member);
  if (!data)
    return std::optional<Shape>();
  if (data->kind != H5Node::Kind::Numeric || data->shape.size() > 1)
    return fail("its shape must be a 1-D integer array");
  Shape shape;
  int64_t elements = 1;
  for (double extent : data->numbers) {
    if (extent != std::floor(extent) || extent < 1 ||
        extent > kMaxDatasetElements)
      return fail(
          "shape " +
          llvm::join(llvm::map_range(
                         data->numbers,
                         [](double v) { return std::to_string(int64_t(v)); }),
                     ", ") +
          " has an extent that is not a positive integer");
    shape.push_back(static_cast<int64_t>(extent));
    elements *= shape.back();
    if (elements > kMaxDatasetElements)
      return fail("its shape has too many elements");
  }
  return std::optional<Shape>(shape);
}

RankedTensorType Emitter::mergedType(const Shape &shape) {
  SmallVector<int64_t> dims = {options.timeSteps * options.batchSize};
  dims.append(shape.begin(), shape.end());
  return RankedTensorType::get(dims, b.getF32Type());
}

Value Emitter::constant(const Shape &shape, llvm::ArrayRef<double> values) {
  auto type = RankedTensorType::get(
      SmallVector<int64_t>(shape.begin(), shape.end()), b.getF32Type());
  SmallVector<float> floats(values.begin(), values.end());
  return b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, llvm::ArrayRef<float>(floats)));
}

Value Emitter::scaleAndShift(Value x, const Shape &shape, const Param *gain,
                             const Param *bias) {
  auto isConstant = [](const Param *p, double value) {
    return !p || (p->isUniform() && p->values.front() == value);
  };
  bool noGain = isConstant(gain, 1.0), noBias = isConstant(bias, 0.0);
  if (noGain && noBias)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  // A per-neuron array is read with the time-merged dimension dropped.
  SmallVector<AffineExpr> neuronDims;
  for (int64_t d = 1; d < rank; ++d)
    neuronDims.push_back(b.getAffineDimExpr(d));
  AffineMap neuronMap = AffineMap::get(rank, 0, neuronDims, &context);
  struct Operand {
    std::optional<float> scalar;
    int index = -1;
  };
  auto operand = [&](const Param *p, bool skip) {
    Operand result;
    if (skip)
      return result;
    if (p->isUniform()) {
      result.scalar = static_cast<float>(p->values.front());
      return result;
    }
    result.index = static_cast<int>(inputs.size());
    inputs.push_back(constant(shape, p->values));
    maps.push_back(neuronMap);
    return result;
  };
  Operand g = operand(gain, noGain), s = operand(bias, noBias);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto get = [&](const Operand &o) -> Value {
          if (o.scalar)
            return nb.create<arith::ConstantOp>(l,
                                                nb.getF32FloatAttr(*o.scalar));
          return args[o.index];
        };
        Value y = args[0];
        if (g.scalar || g.index >= 0)
          y = nb.create<arith::MulFOp>(l, y, get(g));
        if (s.scalar || s.index >= 0)
          y = nb.create<arith::AddFOp>(l, y, get(s));
        nb.create<linalg::YieldOp>(l, y);
      });
  return generic.getResult(0);
}

FailureOr<NodeValue> Emitter::joinInputs(std::vector<NodeValue> &values) {
  NodeValue sum = values[graph.edges[node->inputs.front()].source];
  for (size_t edge : llvm::ArrayRef(node->inputs).drop_front()) {
    const NodeValue &next = values[graph.edges[edge].source];
    if (next.shape != sum.shape) {
      message = graph.describeEdge(edge) + ": shape " +
                formatShape(next.shape) + " differs from " +
                formatShape(sum.shape) + " of " +
                graph.describeEdge(node->inputs.front()) +
                " (edges into one node add currents of equal shape)";
      return failure();
    }
    sum.value =
        b.create<AddOp>(loc, sum.value.getType(), sum.value, next.value);
  }
  return sum;
}

FailureOr<NodeValue> Emitter::emitNode(std::vector<NodeValue> &values) {
  FailureOr<NodeValue> in = joinInputs(values);
  if (failed(in))
    return failure();
  llvm::StringRef type = node->type;
  if (type == "Output") {
    FailureOr<std::optional<Shape>> shape =
        declaredShape("output_type", "output");
    if (failed(shape))
      return failure();
    if (*shape && **shape != in->shape)
      return failEdge("the input has shape " + formatShape(in->shape) +
                      " but the Output node declares " + formatShape(**shape));
    return *in;
  }
  if (type == "Affine" || type == "Linear")
    return emitAffine(*in, type == "Affine");
  if (type == "Conv1d" || type == "Conv2d")
    return emitConv(*in, type == "Conv1d" ? 1 : 2);
  if (type == "SumPool2d" || type == "AvgPool2d")
    return emitPool(*in, type == "AvgPool2d");
  if (type == "Flatten")
    return emitFlatten(*in);
  if (type == "Scale")
    return emitScale(*in);
  if (type == "Threshold")
    return emitThreshold(*in);
  return emitNeuron(*in);
}

OwningOpRef<ModuleOp> Emitter::run() {
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  QSNNDialect &qsnn = *context.getOrLoadDialect<QSNNDialect>();
  MLIRContext *ctx = &context;
  auto argAttrs = [&](const std::string &name) {
    NamedAttrList attrs;
    attrs.append(QSNNDialect::NameAttrHelper::getNameStr(),
                 StringAttr::get(ctx, name));
    attrs.append(QSNNDialect::BatchDimAttrHelper::getNameStr(),
                 b.getI64IntegerAttr(1));
    return attrs.getDictionary(ctx);
  };

  // Inputs: uint8 frames [T, N, shape...] in node-name order.
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrList;
  std::vector<Shape> inputShapes(graph.nodes.size());
  for (const NirNode &n : graph.nodes) {
    if (n.type != "Input")
      continue;
    node = &n;
    FailureOr<std::optional<Shape>> shape =
        declaredShape("input_type", "input");
    if (failed(shape) || (!*shape && failed(fail("has no shape"))))
      break;
    inputShapes[&n - graph.nodes.data()] = **shape;
    SmallVector<int64_t> dims = {options.timeSteps, options.batchSize};
    dims.append((*shape)->begin(), (*shape)->end());
    argTypes.push_back(RankedTensorType::get(
        dims, IntegerType::get(ctx, 8, IntegerType::Unsigned)));
    argAttrList.push_back(argAttrs(n.name));
  }
  if (!message.empty()) {
    emitError(fileLoc) << message;
    return nullptr;
  }
  auto func = b.create<func::FuncOp>(fileLoc, options.functionName,
                                     b.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrList);
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);

  std::vector<NodeValue> values(graph.nodes.size());
  unsigned argIndex = 0;
  for (const NirNode &n : graph.nodes) {
    if (n.type != "Input")
      continue;
    size_t i = &n - graph.nodes.data();
    loc = NameLoc::get(StringAttr::get(ctx, n.name), fileLoc);
    Value counts = b.create<CountsOp>(loc, entry->getArgument(argIndex++));
    SmallVector<ReassociationIndices> merge = {{0, 1}};
    for (size_t d = 0; d < inputShapes[i].size(); ++d)
      merge.push_back({static_cast<int64_t>(d) + 2});
    values[i].value = b.create<tensor::CollapseShapeOp>(
        loc, mergedType(inputShapes[i]), counts, merge);
    values[i].shape = inputShapes[i];
  }
  for (size_t i : graph.order) {
    if (graph.nodes[i].type == "Input")
      continue;
    node = &graph.nodes[i];
    loc = NameLoc::get(StringAttr::get(ctx, node->name), fileLoc);
    FailureOr<NodeValue> value = emitNode(values);
    if (failed(value)) {
      emitError(fileLoc) << message;
      return nullptr;
    }
    values[i] = *value;
  }

  // Outputs [T, N, shape...] in node-name order, then exposed membranes.
  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  auto addResult = [&](Value merged, const std::string &name) {
    auto type = cast<RankedTensorType>(merged.getType());
    SmallVector<int64_t> dims = {options.timeSteps, options.batchSize};
    dims.append(type.getShape().begin() + 1, type.getShape().end());
    SmallVector<ReassociationIndices> split = {{0, 1}};
    for (int64_t d = 1; d < type.getRank(); ++d)
      split.push_back({d + 1});
    results.push_back(b.create<tensor::ExpandShapeOp>(
        NameLoc::get(StringAttr::get(ctx, name), fileLoc),
        RankedTensorType::get(dims, b.getF32Type()), merged, split));
    resultAttrs.push_back(argAttrs(name));
  };
  for (auto [i, n] : llvm::enumerate(graph.nodes))
    if (n.type == "Output")
      addResult(values[i].value, n.name);
  for (auto &[name, membrane] : membranes)
    addResult(membrane, "membrane:" + name);
  b.create<func::ReturnOp>(fileLoc, results);
  SmallVector<Type> resultTypes;
  for (Value result : results)
    resultTypes.push_back(result.getType());
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  func.setAllResultAttrs(resultAttrs);

  qsnn.getTimeStepsAttrHelper().setAttr(*module,
                                        b.getI64IntegerAttr(options.timeSteps));
  qsnn.getInputKindAttrHelper().setAttr(*module, b.getStringAttr("events"));
  qsnn.getModelNameAttrHelper().setAttr(
      *module, b.getStringAttr(llvm::sys::path::stem(path)));
  return module;
}
