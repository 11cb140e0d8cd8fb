//===- KernelParts.cpp - arrays, views and the kernel's frame -------------===//
//
// The parts of the HLS translation around the loop body: the interface,
// array declarations (ROM, local buffers), views of arrays, the type
// preamble that switches between ap_int and standard integers, pragmas and
// the per-loop estimates.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn::hls;

SmallVector<int64_t> hls::contiguousStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::string hls::literal(int64_t value) {
  if (value == INT64_MIN)
    return "INT64_MIN";
  if (value > INT32_MAX || value < INT32_MIN)
    return "INT64_C(" + std::to_string(value) + ")";
  return std::to_string(value);
}

bool hls::isStandardWidth(unsigned width) {
  return width == 1 || width == 8 || width == 16 || width == 32 || width == 64;
}

std::string hls::scalarType(Type type) {
  if (type.isIndex())
    return "int";
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || integer.getWidth() > 64)
    return "";
  unsigned width = integer.getWidth();
  if (width == 1)
    return "bool";
  unsigned bits = width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
  return "int" + std::to_string(bits) + "_t";
}

std::optional<std::pair<std::string, std::string>>
hls::findLayer(Location loc) {
  std::optional<std::pair<std::string, std::string>> found;
  loc->walk([&](Location inner) {
    auto fused = dyn_cast<FusedLoc>(inner);
    auto layer =
        fused ? dyn_cast_or_null<LayerAttr>(fused.getMetadata()) : LayerAttr();
    if (!layer)
      return WalkResult::advance();
    found = std::make_pair(layer.getTag().str(), layer.getSource().str());
    return WalkResult::interrupt();
  });
  return found;
}

std::string KernelEmitter::arrayType(Type element) {
  return widthType(element.getIntOrFloatBitWidth());
}

std::string KernelEmitter::arrayType(const Root &root) {
  return widthType(root.bits ? root.bits
                             : root.element.getIntOrFloatBitWidth());
}

std::string KernelEmitter::widthType(unsigned width) {
  if (isStandardWidth(width) && width != 1)
    return "int" + std::to_string(width) + "_t";
  usedWidths.insert(width);
  return width == 1 ? "qsnn_u1" : "qsnn_i" + std::to_string(width);
}

std::string KernelEmitter::declType(Value value) {
  Type type = value.getType();
  if (type.isIndex() || type.isInteger(1) || !ranges)
    return scalarType(type);
  unsigned width = ranges->bitsOf(value, type.getIntOrFloatBitWidth());
  return widthType(std::max(width, 2u));
}

unsigned KernelEmitter::storageBits(const void *key, Type element) {
  unsigned width = element.getIntOrFloatBitWidth();
  if (width == 1 || !ranges)
    return width;
  std::optional<IntegerRange> range = ranges->arrayRange(key);
  if (!range)
    return width;
  return std::max(2u, std::min(width, range->getSignedBits()));
}

unsigned KernelEmitter::addLocal(Operation *op, MemRefType type) {
  std::optional<std::pair<std::string, std::string>> layer =
      findLayer(op->getLoc());
  unsigned width = type.getElementTypeBitWidth();
  bool membrane = !isStandardWidth(width);
  std::string base = layer ? layer->first : "buf";
  std::string name = base + (membrane ? "_membrane" : "_buf");
  for (unsigned k = 1; usedNames.contains(name); ++k)
    name = base + (membrane ? "_membrane" : "_buf") + std::to_string(k);
  usedNames.insert(name);
  Root root;
  root.kind = Root::Local;
  root.name = name;
  root.element = type.getElementType();
  root.size = type.getNumElements();
  root.bits = storageBits(op, root.element);
  std::string text;
  llvm::raw_string_ostream(text) << type;
  root.comment =
      text +
      (membrane ? ", " + std::to_string(width) + "-bit membrane state" : "");
  if (root.bits != width)
    root.comment += ", " + std::to_string(root.bits) + " bits hold every value";
  stats.ramBits += root.size * root.bits;
  stats.arrays.push_back(
      {name, membrane ? "membrane" : "buffer", root.size, width, root.bits});
  if (membrane)
    stats.membraneRamBits += root.size * width;
  roots.push_back(root);
  localRoots[op] = roots.size() - 1;
  return roots.size() - 1;
}

LogicalResult KernelEmitter::collectInterface() {
  FunctionType type = func.getFunctionType();
  if (type.getNumResults())
    return func.emitError("HLS: the entry function must return through "
                          "output buffers (run the bufferized stage)");
  unsigned numArgs = type.getNumInputs();
  bool workspace = numArgs == 3;
  if (numArgs != 2 && !workspace)
    return func.emitError("HLS: the top function takes one uint8 input and "
                          "one int64 output (and optionally a planned "
                          "workspace); got ")
           << numArgs << " arguments";
  for (unsigned i = 0; i < numArgs; ++i) {
    auto memref = dyn_cast<MemRefType>(type.getInput(i));
    if (!memref || !memref.hasStaticShape() ||
        !memref.getElementType().isInteger())
      return func.emitError("HLS: argument ")
             << i << " must be a statically shaped integer memref, got "
             << type.getInput(i);
    unsigned width = memref.getElementTypeBitWidth();
    unsigned expected = i == 1 ? 64 : 8;
    if (width != expected)
      return func.emitError("HLS: argument ") << i << " must hold "
                                              << (i == 1 ? "int64 logits"
                                                         : "uint8 "
                                                           "input")
                                              << ", got " << memref;
    Root root;
    root.kind = i == 0 ? Root::Input : i == 1 ? Root::Output : Root::Workspace;
    root.name = i == 0 ? "in" : i == 1 ? "out" : "workspace";
    root.element = memref.getElementType();
    root.size = memref.getNumElements();
    llvm::raw_string_ostream(root.comment) << memref;
    roots.push_back(root);
    View view;
    view.root = i;
    view.shape.assign(memref.getShape().begin(), memref.getShape().end());
    view.strides = contiguousStrides(view.shape);
    views[func.getArgument(i)] = view;
  }
  return success();
}

LogicalResult KernelEmitter::collectGlobal(memref::GetGlobalOp op, View &view) {
  auto [it, inserted] = globalRoots.try_emplace(op.getName(), roots.size());
  view.root = it->second;
  if (!inserted)
    return success();
  auto global = module.lookupSymbol<memref::GlobalOp>(op.getNameAttr());
  auto values =
      global
          ? dyn_cast_or_null<DenseIntElementsAttr>(global.getInitialValueAttr())
          : DenseIntElementsAttr();
  if (!global || !global.getConstant() || !values)
    return op.emitError("HLS: only constant integer globals are supported "
                        "(ROM arrays)");
  Root root;
  root.kind = Root::Global;
  std::optional<std::pair<std::string, std::string>> layer =
      findLayer(op.getLoc());
  std::string base = (layer ? layer->first : std::string("const")) + "_rom";
  root.name = base;
  for (unsigned k = 1; usedNames.contains(root.name); ++k)
    root.name = base + std::to_string(k);
  usedNames.insert(root.name);
  romValues[roots.size()] = values;
  root.element = global.getType().getElementType();
  root.size = global.getType().getNumElements();
  llvm::raw_string_ostream(root.comment)
      << "@" << global.getSymName() << ": " << global.getType();
  root.packed = root.element.isInteger(8) &&
                llvm::all_of(values.getValues<APInt>(), [](const APInt &v) {
                  return v.getSExtValue() == 1 || v.getSExtValue() == -1;
                });
  if (!root.packed)
    root.bits = storageBits(global.getOperation(), root.element);
  stats.romBits +=
      root.packed ? llvm::alignTo(root.size, 64) : root.size * root.bits;
  stats.arrays.push_back({root.name, "rom", root.size,
                          root.element.getIntOrFloatBitWidth(),
                          root.packed ? 1u : root.bits});
  roots.push_back(root);
  return success();
}

namespace {

View withShape(View view, MemRefType type) {
  view.shape.assign(type.getShape().begin(), type.getShape().end());
  return view;
}

} // namespace

LogicalResult KernelEmitter::emitMemRef(Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Type type : types)
    if (auto memref = dyn_cast<MemRefType>(type))
      if (!memref.getElementType().isIntOrIndex())
        return op->emitError("HLS: the kernel is integer-only; type ")
               << type << " is not supported";
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](memref::LoadOp load) { return emitLoad(load); })
      .Case([&](memref::StoreOp store) { return emitStore(store); })
      .Case<memref::AllocOp, memref::AllocaOp, memref::ViewOp>(
          [&](Operation *buffer) { return emitBuffer(buffer); })
      .Case([&](memref::DeallocOp) { return success(); })
      .Case([&](memref::GetGlobalOp get) -> LogicalResult {
        View view;
        if (failed(collectGlobal(get, view)))
          return failure();
        view = withShape(view, get.getType());
        view.strides = contiguousStrides(view.shape);
        views[get.getResult()] = view;
        return success();
      })
      .Case([&](memref::SubViewOp sub) { return emitSubView(sub); })
      .Case<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp>(
          [&](Operation *reshape) { return emitReshape(reshape); })
      .Case([&](memref::ExtractStridedMetadataOp meta) {
        return emitStridedMetadata(meta);
      })
      .Case([&](memref::ReinterpretCastOp cast) {
        return emitReinterpretCast(cast);
      })
      .Default([&](Operation *other) -> LogicalResult {
        return other->emitError("HLS: unsupported operation '")
               << other->getName() << "'";
      });
}

/// An allocation, or a planned workspace slice (memref.view): its own
/// array in the kernel.
LogicalResult KernelEmitter::emitBuffer(Operation *op) {
  auto type = cast<MemRefType>(op->getResult(0).getType());
  if (!type.hasStaticShape() ||
      (!isa<memref::ViewOp>(op) && !type.getLayout().isIdentity()))
    return op->emitError("HLS: buffers need a static shape");
  View view;
  view.root = addLocal(op, type);
  view = withShape(view, type);
  view.strides = contiguousStrides(view.shape);
  views[op->getResult(0)] = view;
  return success();
}

LogicalResult KernelEmitter::emitSubView(memref::SubViewOp sub) {
  View source = views.lookup(sub.getSource()), view = source;
  view.strides.clear();
  llvm::SmallBitVector dropped = sub.getDroppedDims();
  for (auto [dim, offset] : llvm::enumerate(sub.getMixedOffsets())) {
    int64_t stride = source.strides[dim];
    if (auto attr = dyn_cast<Attribute>(offset))
      view.offset += cast<IntegerAttr>(attr).getInt() * stride;
    else
      view.terms.push_back(scalars.lookup(cast<Value>(offset)) +
                           (stride == 1 ? "" : " * " + std::to_string(stride)));
  }
  for (auto [dim, step] : llvm::enumerate(sub.getStaticStrides())) {
    if (ShapedType::isDynamic(step))
      return sub.emitError("HLS: dynamic subview strides");
    if (!dropped.test(dim))
      view.strides.push_back(source.strides[dim] * step);
  }
  return defineView(sub.getResult(), sub.getSource(),
                    withShape(view, sub.getType()));
}

LogicalResult KernelEmitter::emitReshape(Operation *reshape) {
  Value source = reshape->getOperand(0);
  View view = views.lookup(source);
  auto type = cast<MemRefType>(reshape->getResult(0).getType());
  if (view.strides != contiguousStrides(view.shape) &&
      !isa<memref::CastOp>(reshape))
    return reshape->emitError("HLS: reshape of a strided view");
  view = withShape(view, type);
  if (!isa<memref::CastOp>(reshape))
    view.strides = contiguousStrides(view.shape);
  return defineView(reshape->getResult(0), source, view);
}

LogicalResult
KernelEmitter::emitStridedMetadata(memref::ExtractStridedMetadataOp meta) {
  View source = views.lookup(meta.getSource());
  View base;
  base.root = source.root;
  views[meta.getBaseBuffer()] = base;
  scalars[meta.getOffset()] = "(" + offsetExpr(source) + ")";
  for (auto [size, extent] : llvm::zip(meta.getSizes(), source.shape))
    scalars[size] = std::to_string(extent);
  for (auto [stride, value] : llvm::zip(meta.getStrides(), source.strides))
    scalars[stride] = std::to_string(value);
  return success(views.count(meta.getSource()));
}

LogicalResult
KernelEmitter::emitReinterpretCast(memref::ReinterpretCastOp cast) {
  View view;
  view.root = views.lookup(cast.getSource()).root;
  OpFoldResult offset = cast.getMixedOffsets()[0];
  if (auto attr = dyn_cast<Attribute>(offset))
    view.offset = llvm::cast<IntegerAttr>(attr).getInt();
  else
    view.terms.push_back(scalars.lookup(llvm::cast<Value>(offset)));
  for (int64_t stride : cast.getStaticStrides()) {
    if (ShapedType::isDynamic(stride))
      return cast.emitError("HLS: dynamic strides");
    view.strides.push_back(stride);
  }
  return defineView(cast.getResult(), cast.getSource(),
                    withShape(view, cast.getType()));
}

std::string KernelEmitter::loopLabel(Operation *op, unsigned loopDepth) {
  std::optional<std::pair<std::string, std::string>> layer =
      findLayer(op->getLoc());
  std::string tag = layer ? layer->first : "loop";
  if (loopDepth == 0)
    ++layerNests[tag];
  unsigned nest = layerNests[tag];
  std::string label = tag + (nest > 1 ? "_n" + std::to_string(nest) : "") +
                      "_d" + std::to_string(loopDepth);
  std::string unique = label;
  for (unsigned k = 1; usedNames.contains(unique); ++k)
    unique = label + "_" + std::to_string(k);
  usedNames.insert(unique);
  return unique;
}

std::optional<int64_t> KernelEmitter::upperBound(Value value, unsigned level) {
  if (level > 8)
    return std::nullopt;
  if (std::optional<int64_t> c = constantIndex(value))
    return c;
  if (auto arg = dyn_cast<BlockArgument>(value))
    if (auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp()))
      if (arg == loop.getInductionVar())
        if (auto ub = upperBound(loop.getUpperBound(), level + 1))
          return *ub - 1;
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumOperands() != 2)
    return std::nullopt;
  auto a = upperBound(def->getOperand(0), level + 1);
  auto b = upperBound(def->getOperand(1), level + 1);
  if (isa<arith::MinSIOp, arith::MinUIOp>(def))
    return a && b ? std::optional(std::min(*a, *b)) : (a ? a : b);
  if (!a || !b)
    return std::nullopt;
  if (isa<arith::AddIOp>(def))
    return *a + *b;
  if (isa<arith::MulIOp>(def) && *a >= 0 && *b >= 0)
    return *a * *b;
  if (isa<arith::MaxSIOp, arith::SelectOp>(def))
    return std::max(*a, *b);
  return std::nullopt;
}

int64_t KernelEmitter::estimateTrip(scf::ForOp op) {
  std::optional<int64_t> lb = constantIndex(op.getLowerBound());
  std::optional<int64_t> ub = upperBound(op.getUpperBound());
  std::optional<int64_t> step = constantIndex(op.getStep());
  if (!ub)
    return 1;
  int64_t span = *ub - (lb ? *lb : 0);
  int64_t stride = step && *step > 0 ? *step : 1;
  return std::max<int64_t>((span + stride - 1) / stride, 1);
}

int64_t KernelEmitter::chainDepth(Block &block) {
  llvm::DenseMap<Operation *, int64_t> depths;
  int64_t deepest = 1;
  block.walk([&](Operation *op) {
    int64_t d = 0;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        d = std::max(d, depths.lookup(def));
    bool free = isa<arith::ConstantOp, memref::SubViewOp,
                    memref::CollapseShapeOp, memref::ExpandShapeOp>(op);
    depths[op] = d + (free ? 0 : 1);
    deepest = std::max(deepest, depths[op]);
  });
  return deepest;
}
