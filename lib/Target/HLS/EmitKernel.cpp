//===- EmitKernel.cpp - the body of the HLS top function ------------------===//
//
// Translates scf/memref/arith ops of the loops-level entry function to C++
// statements (see KernelEmitter.h for the value model): loops with labels
// and pipelining pragmas, one `const` variable per used SSA value, array
// accesses through views.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn::hls;

std::string KernelEmitter::newName(StringRef prefix) {
  return (prefix + llvm::Twine(nextValue++)).str();
}

void KernelEmitter::define(Value value, const std::string &expr, bool isConst) {
  std::string name = newName("v");
  std::string type = declType(value);
  *body << (isConst ? "const " : "") << type << " " << name << " = " << expr
        << ";\n";
  scalars[value] = name;
  declared[value] = type;
  if (type == "int64_t")
    ++stats.int64Scalars;
}

void KernelEmitter::recordMultiply(arith::MulIOp op) {
  if (op.getType().isIndex())
    return;
  unsigned width = op.getType().getIntOrFloatBitWidth();
  unsigned a = ranges->bitsOf(op.getLhs(), width);
  unsigned b = ranges->bitsOf(op.getRhs(), width);
  bool constant = constantIndex(op.getLhs()) || constantIndex(op.getRhs());
  // Named linalg ops lower their bodies with unknown locations: the
  // enclosing loops tell the layer.
  std::optional<std::pair<std::string, std::string>> layer;
  for (Operation *at = op; !layer && at && !isa<func::FuncOp>(at);
       at = at->getParentOp())
    layer = findLayer(at->getLoc());
  std::vector<MultiplyInfo> &list =
      stats.layerMultiplies[layer ? layer->first : ""];
  MultiplyInfo info{std::max(a, b), std::min(a, b), constant, 1};
  for (MultiplyInfo &known : list)
    if (known.wideBits == info.wideBits &&
        known.narrowBits == info.narrowBits &&
        known.constantOperand == constant) {
      ++known.sites;
      return;
    }
  list.push_back(info);
}

/// Literals and int/int64_t variables need no cast to compute in int64_t.
static bool isPlain(const std::string &name, Type type,
                    const llvm::DenseMap<Value, std::string> &declared,
                    Value value) {
  auto it = declared.find(value);
  if (it != declared.end() && (it->second == "int64_t" || it->second == "int"))
    return true;
  if (it == declared.end() && (type.isIndex() || type.isInteger(64)))
    return true;
  return !name.empty() && (isdigit(name[0]) || name[0] == '-' ||
                           StringRef(name).starts_with("INT64"));
}

std::string KernelEmitter::signedValue(Value value) {
  const std::string &name = scalars.lookup(value);
  if (name == "true" || name == "false")
    return name == "true" ? "-1" : "0";
  if (isPlain(name, value.getType(), declared, value))
    return name;
  if (value.getType().isInteger(1))
    return "(-(int64_t)" + name + ")";
  return "(int64_t)" + name;
}

std::string KernelEmitter::unsignedValue(Value value) {
  const std::string &name = scalars.lookup(value);
  unsigned width =
      value.getType().isIndex() ? 64 : value.getType().getIntOrFloatBitWidth();
  if (name == "true" || name == "false")
    return name == "true" ? "1" : "0";
  if (value.getType().isIndex() ||
      (isPlain(name, value.getType(), declared, value) && name[0] != '-' &&
       width != 64))
    return name;
  if (width == 1)
    return "(int64_t)" + name;
  if (width == 64)
    return "(int64_t)(uint64_t)" + name;
  return "((int64_t)" + name + " & " + literal((int64_t(1) << width) - 1) + ")";
}

std::string KernelEmitter::wrap(std::string expr, Type type) {
  if (type.isIndex())
    return "(int)(" + expr + ")";
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return "(((" + expr + ") & 1) != 0)";
  if (width == 64)
    return expr;
  if (isStandardWidth(width))
    return "(" + scalarType(type) + ")(" + expr + ")";
  return "(" + scalarType(type) + ")qsnn_wrap<" + std::to_string(width) + ">(" +
         expr + ")";
}

std::optional<int64_t> KernelEmitter::constantIndex(Value value) {
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (auto attr = dyn_cast<IntegerAttr>(constant.getValue()))
      return attr.getValue().getSExtValue();
  return std::nullopt;
}

std::string KernelEmitter::offsetExpr(const View &view) {
  std::string expr;
  for (const std::string &term : view.terms)
    expr += (expr.empty() ? "" : " + ") + term;
  if (view.offset != 0 || expr.empty())
    expr += (expr.empty() ? "" : " + ") + std::to_string(view.offset);
  return expr;
}

std::string KernelEmitter::index(const View &view, ValueRange indices) {
  View flat = view;
  for (auto [index, stride] : llvm::zip(indices, view.strides)) {
    if (std::optional<int64_t> c = constantIndex(index)) {
      flat.offset += *c * stride;
      continue;
    }
    const std::string &name = scalars.lookup(index);
    flat.terms.push_back(stride == 1 ? name
                                     : name + " * " + std::to_string(stride));
  }
  return offsetExpr(flat);
}

LogicalResult KernelEmitter::defineView(Value result, Value source, View view) {
  if (!views.count(source))
    return emitError(result.getLoc(), "HLS: a memref that is not a view of "
                                      "an array the kernel declares");
  views[result] = view;
  return success();
}

LogicalResult KernelEmitter::emitBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (failed(emitOp(&op)))
      return failure();
  return success();
}

void KernelEmitter::banner(Operation *op) {
  std::optional<std::pair<std::string, std::string>> layer =
      findLayer(op->getLoc());
  std::string tag = layer ? layer->first : "";
  if (tag == currentLayer)
    return;
  currentLayer = tag;
  if (!layer)
    return;
  *body << "\n// " << layer->first << ": " << layer->second << "\n";
}

LogicalResult KernelEmitter::emitOp(Operation *op) {
  if (op->getNumResults() && op->use_empty() && isMemoryEffectFree(op))
    return success();
  if (isa<scf::ForOp, scf::IfOp, memref::StoreOp>(op) && depth == 0)
    banner(op);
  if (op->getDialect() && op->getDialect()->getNamespace() ==
                              arith::ArithDialect::getDialectNamespace())
    return emitArith(op);
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](scf::ForOp forOp) -> LogicalResult { return emitFor(forOp); })
      .Case([&](scf::IfOp ifOp) -> LogicalResult { return emitIf(ifOp); })
      .Case([&](math::CtPopOp pop) -> LogicalResult {
        define(pop.getResult(), wrap("qsnn_popcount((uint64_t)" +
                                         unsignedValue(pop.getOperand()) + ")",
                                     pop.getType()));
        return success();
      })
      .Case([&](math::AbsIOp abs) -> LogicalResult {
        std::string x = signedValue(abs.getOperand());
        define(abs.getResult(),
               wrap("(" + x + " < 0 ? -" + x + " : " + x + ")", abs.getType()));
        return success();
      })
      .Case([&](func::CallOp call) -> LogicalResult {
        return call.emitError("HLS: calls are not supported; the kernel is "
                              "one function (inline '")
               << call.getCallee() << "' first)";
      })
      .Default(
          [&](Operation *other) -> LogicalResult { return emitMemRef(other); });
}

/// Parallel assignment of the yielded values to the carried variables
/// (through temporaries when a yielded value is another carried one).
void KernelEmitter::emitCarriedUpdate(scf::ForOp op,
                                      ArrayRef<std::string> carried) {
  auto yield = cast<scf::YieldOp>(op.getBody()->getTerminator());
  SmallVector<std::string> next;
  for (Value yielded : yield.getOperands())
    if (!isa<MemRefType>(yielded.getType()))
      next.push_back(scalars.lookup(yielded));
  bool overlap = llvm::any_of(next, [&](const std::string &n) {
    return llvm::is_contained(carried, n);
  });
  SmallVector<std::string> sources = next;
  if (overlap)
    for (auto [k, value] : llvm::enumerate(next)) {
      std::string tmp = newName("next");
      *body << "const auto " << tmp << " = " << value << ";\n";
      sources[k] = tmp;
    }
  for (auto [name, value] : llvm::zip(carried, sources))
    if (name != value)
      *body << name << " = " << value << ";\n";
}

/// Cycle estimate: a pipelined loop takes II per iteration plus its depth;
/// an outer loop repeats its body.
int64_t KernelEmitter::estimateCycles(scf::ForOp op, bool innermost,
                                      int64_t trip) {
  if (innermost)
    return int64_t(options.ii) * std::max<int64_t>(trip - 1, 0) +
           chainDepth(*op.getBody());
  int64_t inner = 0;
  bool straight = false;
  for (Operation &child : op.getBody()->without_terminator()) {
    if (loopCycles.count(&child))
      inner += loopCycles.lookup(&child);
    else if (!isa<memref::SubViewOp, memref::ReinterpretCastOp,
                  memref::CollapseShapeOp, memref::ExpandShapeOp>(child))
      straight = true;
  }
  return trip * (inner + (straight ? 1 : 0));
}

LogicalResult KernelEmitter::emitFor(scf::ForOp op) {
  if (!op.getInductionVar().getType().isIndex() &&
      scalarType(op.getInductionVar().getType()).empty())
    return op.emitError("HLS: unsupported loop variable type");
  // Memref iteration arguments must stay in place (the yielded buffer is
  // the one that came in): the kernel has no buffer swapping.
  for (auto [init, arg, yielded] : llvm::zip(
           op.getInitArgs(), op.getRegionIterArgs(), op.getYieldedValues())) {
    if (!isa<MemRefType>(arg.getType()))
      continue;
    if (yielded != arg)
      return op.emitError("HLS: a loop-carried buffer that is not updated "
                          "in place");
    if (failed(defineView(arg, init, views.lookup(init))))
      return failure();
  }
  SmallVector<std::string> carried;
  for (auto [init, arg] : llvm::zip(op.getInitArgs(), op.getRegionIterArgs()))
    if (!isa<MemRefType>(arg.getType())) {
      define(arg, scalars.lookup(init), /*isConst=*/false);
      carried.push_back(scalars.lookup(arg));
    }
  bool innermost = true;
  op.getBody()->walk([&](scf::ForOp) { innermost = false; });
  std::string iv = "i" + std::to_string(depth);
  scalars[op.getInductionVar()] = iv;
  std::string label = loopLabel(op, depth);
  std::optional<int64_t> step = constantIndex(op.getStep());
  *body << label << ": for (" << scalarType(op.getInductionVar().getType())
        << " " << iv << " = " << scalars.lookup(op.getLowerBound()) << "; "
        << iv << " < " << scalars.lookup(op.getUpperBound()) << "; " << iv
        << (step == 1 ? std::string(" += 1")
                      : " += " + scalars.lookup(op.getStep()))
        << ") {\n";
  body->indent();
  int64_t trip = estimateTrip(op);
  std::optional<int64_t> lb = constantIndex(op.getLowerBound());
  std::optional<int64_t> ub = constantIndex(op.getUpperBound());
  if (!(lb && ub && step))
    *body << "QSNN_HLS(LOOP_TRIPCOUNT max=" << trip << ")\n";
  if (innermost) {
    *body << "QSNN_HLS(PIPELINE II=" << options.ii << ")\n";
    ++stats.pipelinedLoops;
  }
  ++depth;
  if (failed(emitBlock(*op.getBody())))
    return failure();
  --depth;
  emitCarriedUpdate(op, carried);
  body->unindent();
  *body << "}\n";
  unsigned scalarIndex = 0;
  for (auto [result, arg] : llvm::zip(op.getResults(), op.getRegionIterArgs()))
    if (isa<MemRefType>(arg.getType()))
      views[result] = views.lookup(arg);
    else {
      scalars[result] = carried[scalarIndex++];
      declared[result] = declared.lookup(arg);
    }

  int64_t cycles = estimateCycles(op, innermost, trip);
  loopCycles[op] = cycles;
  if (depth == 0) {
    stats.layerCycles[currentLayer] += cycles;
    stats.totalCycles += cycles;
    stats.maxNestCycles = std::max(stats.maxNestCycles, cycles);
  }
  return success();
}

LogicalResult KernelEmitter::emitIf(scf::IfOp op) {
  SmallVector<std::string> results;
  for (Value result : op.getResults()) {
    if (isa<MemRefType>(result.getType()))
      return op.emitError("HLS: scf.if yielding a buffer");
    std::string name = newName("v");
    std::string type = declType(result);
    *body << type << " " << name << ";\n";
    results.push_back(name);
    scalars[result] = name;
    declared[result] = type;
    stats.int64Scalars += type == "int64_t";
  }
  auto emitBranch = [&](Region &region) -> LogicalResult {
    body->indent();
    if (failed(emitBlock(region.front())))
      return failure();
    auto yield = cast<scf::YieldOp>(region.front().getTerminator());
    for (auto [name, value] : llvm::zip(results, yield.getOperands()))
      *body << name << " = " << scalars.lookup(value) << ";\n";
    body->unindent();
    return success();
  };
  *body << "if (" << scalars.lookup(op.getCondition()) << ") {\n";
  if (failed(emitBranch(op.getThenRegion())))
    return failure();
  if (!op.getElseRegion().empty()) {
    *body << "} else {\n";
    if (failed(emitBranch(op.getElseRegion())))
      return failure();
  }
  *body << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitConstant(arith::ConstantOp constant) {
  auto attr = dyn_cast<IntegerAttr>(constant.getValue());
  if (!attr)
    return constant.emitError("HLS: only scalar integer constants are "
                              "supported");
  int64_t value = attr.getType().isInteger(1)
                      ? int64_t(attr.getValue().getZExtValue())
                      : attr.getValue().getSExtValue();
  scalars[constant.getResult()] =
      attr.getType().isInteger(1) ? (value ? "true" : "false")
      : attr.getType().isIndex()  ? std::to_string(value)
                                  : literal(value);
  return success();
}

namespace {

/// The C operator of an integer comparison and whether it compares the
/// unsigned values.
std::pair<StringRef, bool> comparison(arith::CmpIPredicate predicate) {
  using P = arith::CmpIPredicate;
  switch (predicate) {
  case P::eq:
    return {"==", false};
  case P::ne:
    return {"!=", false};
  case P::slt:
    return {"<", false};
  case P::sle:
    return {"<=", false};
  case P::sgt:
    return {">", false};
  case P::sge:
    return {">=", false};
  case P::ult:
    return {"<", true};
  case P::ule:
    return {"<=", true};
  case P::ugt:
    return {">", true};
  case P::uge:
    return {">=", true};
  }
  llvm_unreachable("unknown comparison");
}

} // namespace

LogicalResult KernelEmitter::emitArith(Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Type type : types)
    if (scalarType(type).empty())
      return op->emitError("HLS: the kernel is integer-only; type ")
             << type << " is not supported";
  if (auto constant = dyn_cast<arith::ConstantOp>(op))
    return emitConstant(constant);
  Value result = op->getResult(0);
  Type type = result.getType();
  auto s = [&](unsigned i) { return signedValue(op->getOperand(i)); };
  auto u = [&](unsigned i) { return unsignedValue(op->getOperand(i)); };
  auto binary = [&](StringRef symbol, bool isUnsigned = false) {
    std::string a = isUnsigned ? u(0) : s(0), b = isUnsigned ? u(1) : s(1);
    return a + " " + symbol.str() + " " + b;
  };
  // The chosen operand as int64_t: operands may be declared with
  // different (ap_int) types, which a conditional cannot mix.
  auto pick = [&](StringRef cmp, bool isUnsigned) {
    std::string a = isUnsigned ? u(0) : s(0), b = isUnsigned ? u(1) : s(1);
    return "(" + a + " " + cmp.str() + " " + b + " ? " + s(0) + " : " + s(1) +
           ")";
  };
  bool index = type.isIndex();
  std::string expr;
  if (auto mul = dyn_cast<arith::MulIOp>(op))
    recordMultiply(mul);
  if (isa<arith::AddIOp>(op))
    expr = index ? binary("+") : wrap(binary("+"), type);
  else if (isa<arith::SubIOp>(op))
    expr = index ? binary("-") : wrap(binary("-"), type);
  else if (isa<arith::MulIOp>(op))
    expr = index ? binary("*") : wrap(binary("*"), type);
  else if (isa<arith::DivSIOp>(op))
    expr = wrap(binary("/"), type);
  else if (isa<arith::RemSIOp>(op))
    expr = wrap(binary("%"), type);
  else if (isa<arith::DivUIOp>(op))
    expr = wrap(binary("/", true), type);
  else if (isa<arith::RemUIOp>(op))
    expr = wrap(binary("%", true), type);
  else if (isa<arith::FloorDivSIOp>(op))
    expr = wrap("qsnn_floordiv(" + s(0) + ", " + s(1) + ")", type);
  else if (isa<arith::CeilDivSIOp>(op))
    expr = wrap("-qsnn_floordiv(-" + s(0) + ", " + s(1) + ")", type);
  else if (isa<arith::AndIOp>(op))
    expr = wrap(binary("&", type.isInteger(1)), type);
  else if (isa<arith::OrIOp>(op))
    expr = wrap(binary("|", type.isInteger(1)), type);
  else if (isa<arith::XOrIOp>(op))
    expr = wrap(binary("^", type.isInteger(1)), type);
  else if (isa<arith::ShLIOp>(op))
    expr = wrap("(int64_t)((uint64_t)" + s(0) + " << " + u(1) + ")", type);
  else if (isa<arith::ShRSIOp>(op))
    expr = wrap(s(0) + " >> " + u(1), type);
  else if (isa<arith::ShRUIOp>(op))
    expr = wrap("(int64_t)((uint64_t)" + u(0) + " >> " + u(1) + ")", type);
  else if (isa<arith::MaxSIOp>(op))
    expr = pick(">", false);
  else if (isa<arith::MinSIOp>(op))
    expr = pick("<", false);
  else if (isa<arith::MaxUIOp>(op))
    expr = pick(">", true);
  else if (isa<arith::MinUIOp>(op))
    expr = pick("<", true);
  else if (isa<arith::ExtSIOp, arith::IndexCastOp>(op))
    expr = wrap(s(0), type);
  else if (isa<arith::ExtUIOp, arith::IndexCastUIOp>(op))
    expr = wrap(u(0), type);
  else if (isa<arith::TruncIOp>(op))
    expr = wrap(s(0), type);
  else if (auto select = dyn_cast<arith::SelectOp>(op))
    expr = scalars.lookup(select.getCondition()) + " ? " +
           (type.isInteger(1) ? scalars.lookup(select.getTrueValue()) + " : " +
                                    scalars.lookup(select.getFalseValue())
                              : s(1) + " : " + s(2));
  else if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    auto [symbol, isUnsigned] = comparison(cmp.getPredicate());
    expr = binary(symbol, isUnsigned);
  } else {
    return op->emitError("HLS: unsupported operation '")
           << op->getName() << "'";
  }
  define(result, expr);
  return success();
}

LogicalResult KernelEmitter::emitLoad(memref::LoadOp op) {
  View view = views.lookup(op.getMemRef());
  const Root &root = roots[view.root];
  std::string at = index(view, op.getIndices());
  std::string expr;
  if (root.packed)
    expr = "qsnn_sign_bit(" + root.name + ", " + at + ")";
  else if (root.kind != Root::Input && arrayType(root) == declType(op))
    expr = root.name + "[" + at + "]";
  else
    expr = "(" + declType(op) + ")" + root.name + "[" + at + "]";
  define(op.getResult(), expr);
  return success();
}

LogicalResult KernelEmitter::emitStore(memref::StoreOp op) {
  View view = views.lookup(op.getMemRef());
  const Root &root = roots[view.root];
  if (root.kind == Root::Input || root.kind == Root::Global)
    return op.emitError("HLS: a store into a read-only array");
  *body << root.name << "[" << index(view, op.getIndices())
        << "] = " << scalars.lookup(op.getValue()) << ";\n";
  return success();
}
