//===- Widths.cpp - exact ranges of the kernel's arrays and scalars -------===//
//
// The kernel declares every array and scalar with the bits its values need
// (docs/hls.md, "Widths"), not the IR's i32/i64. The ranges come from two
// sound sources:
// - a partial sum (a store of an addi to a value loaded from the same
//   array: a convolution's or readout's accumulation) holds its layer's
//   range from the qsnn-level analysis (docs/spec.md §4.13), with 0;
// - everything else is interval arithmetic over constants, the ROM values
//   and the ranges of the arrays it loads, wrapped to the IR width where an
//   interval leaves it (a membrane update: load, add, clip, store).
// Array ranges are a fixed point over the stores (copies chain arrays); an
// array that keeps growing is widened to its IR type. Interface arrays hold
// their whole type, but a partial sum stored into the output (the readout
// accumulating logits) has its layer's range: the kernel initializes every
// output element before it accumulates into it.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;
using namespace mlir::qsnn::hls;

namespace {

using Wide = __int128;

/// Rounds of plain interval growth before an array is widened.
constexpr unsigned kWidenAfter = 16;

IntegerRange hull(IntegerRange a, IntegerRange b) {
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}

IntegerRange typeRange(Type type) {
  if (type.isIndex())
    return {INT32_MIN, INT32_MAX};
  return IntegerRange::ofType(type);
}

/// `range` if the IR type holds it, else the whole type (the value wraps).
IntegerRange fit(IntegerRange range, Type type) {
  IntegerRange all = typeRange(type);
  if (range.lo < all.lo || range.hi > all.hi)
    return all;
  return range;
}

bool contains(IntegerRange outer, IntegerRange inner) {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

} // namespace

KernelRanges::KernelRanges(ModuleOp moduleOp, func::FuncOp func,
                           const LayerRanges &layers)
    : module(moduleOp) {
  for (const auto &entry : layers)
    layerRanges[entry.getKey()] = {entry.getValue().first,
                                   entry.getValue().second};
  SmallVector<memref::StoreOp> stores;
  func.walk([&](memref::StoreOp store) { stores.push_back(store); });
  func.walk([&](memref::GetGlobalOp get) {
    auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
    auto values = global ? dyn_cast_or_null<DenseIntElementsAttr>(
                               global.getInitialValueAttr())
                         : DenseIntElementsAttr();
    if (!values || values.empty())
      return;
    bool isBool = values.getElementType().isInteger(1);
    IntegerRange range{INT64_MAX, INT64_MIN};
    for (const APInt &v : values.getValues<APInt>()) {
      Wide x = isBool ? Wide(v.getZExtValue()) : Wide(v.getSExtValue());
      range = {std::min(range.lo, x), std::max(range.hi, x)};
    }
    arrays[global.getOperation()] = range;
  });
  // Ranges only grow. First a local array not stored to yet is unknown
  // (its loads skip the store for the round); then it holds its whole
  // type, so no store is left out of the fixed point. An array still
  // growing after a few rounds (a recurrence the intervals cannot bound)
  // is widened to its whole IR type, so the iteration always ends.
  for (bool final : {false, true}) {
    settled = final;
    bool changed = true;
    for (unsigned round = 0; changed; ++round) {
      changed = false;
      cache.clear();
      for (memref::StoreOp store : stores) {
        const void *key = arrayKey(store.getMemRef());
        if (!key || argumentKeys.count(key))
          continue;
        std::optional<IntegerRange> value = storedRange(store, key);
        if (!value)
          continue;
        auto [it, inserted] = arrays.try_emplace(key, *value);
        if (inserted) {
          changed = true;
        } else if (!contains(it->second, *value)) {
          it->second = round < kWidenAfter
                           ? hull(it->second, *value)
                           : typeRange(store.getValue().getType());
          changed = true;
        }
      }
    }
  }
  settled = true;
  cache.clear();
}

const void *KernelRanges::arrayKey(Value memref) const {
  for (unsigned step = 0; step < 64; ++step) {
    if (auto arg = dyn_cast<BlockArgument>(memref)) {
      auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
      if (loop && arg != loop.getInductionVar()) {
        memref = loop.getTiedLoopInit(arg)->get();
        continue;
      }
      argumentKeys.insert(memref.getAsOpaquePointer());
      return memref.getAsOpaquePointer();
    }
    Operation *def = memref.getDefiningOp();
    if (auto get = dyn_cast<memref::GetGlobalOp>(def))
      return ModuleOp(module).lookupSymbol(get.getNameAttr());
    if (isa<memref::AllocOp, memref::AllocaOp, memref::ViewOp>(def))
      return def;
    if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
            memref::CastOp, memref::ReinterpretCastOp,
            memref::ExtractStridedMetadataOp>(def)) {
      memref = def->getOperand(0);
      continue;
    }
    if (auto loop = dyn_cast<scf::ForOp>(def)) {
      memref = loop.getInitArgs()[cast<OpResult>(memref).getResultNumber()];
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

std::optional<IntegerRange> KernelRanges::arrayRange(const void *key) const {
  auto it = arrays.find(key);
  if (it == arrays.end())
    return std::nullopt;
  return it->second;
}

/// Whether `value` adds to an element of the array `key`: an addi with
/// an operand loaded from it (through extensions and truncations), the
/// partial sum of a reduction.
bool KernelRanges::isAccumulation(Value value, const void *key) const {
  auto add = value.getDefiningOp<arith::AddIOp>();
  if (!add)
    return false;
  for (Value operand : add->getOperands()) {
    while (operand.getDefiningOp<arith::ExtSIOp>() ||
           operand.getDefiningOp<arith::TruncIOp>())
      operand = operand.getDefiningOp()->getOperand(0);
    if (auto load = operand.getDefiningOp<memref::LoadOp>())
      if (arrayKey(load.getMemRef()) == key)
        return true;
  }
  return false;
}

std::optional<IntegerRange> KernelRanges::layerRange(Operation *op) const {
  std::optional<IntegerRange> found;
  bool unknown = false;
  op->getLoc()->walk([&](Location inner) {
    auto fused = dyn_cast<FusedLoc>(inner);
    auto layer =
        fused ? dyn_cast_or_null<LayerAttr>(fused.getMetadata()) : LayerAttr();
    if (!layer)
      return WalkResult::advance();
    auto it = layerRanges.find(layer.getTag());
    if (it == layerRanges.end())
      unknown = true;
    else
      found = found ? hull(*found, it->second) : it->second;
    return WalkResult::advance();
  });
  if (unknown)
    return std::nullopt;
  return found;
}

std::optional<IntegerRange> KernelRanges::storedRange(memref::StoreOp store,
                                                      const void *key) {
  Value value = store.getValue();
  Type type = value.getType();
  if (!isAccumulation(value, key))
    return range(value);
  // A partial sum: its layer's range, with 0 (the initial value). Every
  // tap of a sum contains 0 (a weight times a spike, a centered pixel or
  // a count), or all taps are alike (T readout steps), so each partial
  // sum lies between 0 and the bounds of the whole sum. Named linalg ops
  // lower their bodies with unknown locations, so the store's, then its
  // loops', tell the layer.
  std::optional<IntegerRange> layer;
  if (Operation *def = value.getDefiningOp())
    layer = layerRange(def);
  for (Operation *op = store; !layer && op && !isa<func::FuncOp>(op);
       op = op->getParentOp())
    layer = layerRange(op);
  if (!layer)
    return typeRange(type);
  return fit(hull(*layer, {0, 0}), type);
}

std::optional<IntegerRange> KernelRanges::range(Value value) {
  auto it = cache.find(value);
  if (it != cache.end())
    return it->second;
  std::optional<IntegerRange> result = compute(value);
  cache[value] = result;
  return result;
}

std::optional<IntegerRange> KernelRanges::compute(Value value) {
  Type type = value.getType();
  IntegerRange all = typeRange(type);
  if (type.isInteger(1))
    return all;
  Operation *def = value.getDefiningOp();
  if (!def) {
    auto arg = cast<BlockArgument>(value);
    auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
    if (loop && arg == loop.getInductionVar()) {
      auto lb = getConstantIntValue(loop.getLowerBound());
      auto ub = getConstantIntValue(loop.getUpperBound());
      if (lb && ub && *ub > *lb)
        return IntegerRange{*lb, *ub - 1};
      return all;
    }
    if (loop)
      return carriedRange(loop, arg.getArgNumber() - 1);
    return all;
  }
  auto get = [&](unsigned i) { return range(def->getOperand(i)); };
  auto binary = [&](auto combine) -> std::optional<IntegerRange> {
    std::optional<IntegerRange> a = get(0), b = get(1);
    if (!a || !b)
      return std::nullopt;
    return fit(combine(*a, *b), type);
  };
  return TypeSwitch<Operation *, std::optional<IntegerRange>>(def)
      .Case([&](scf::ForOp loop) {
        return carriedRange(loop, cast<OpResult>(value).getResultNumber());
      })
      .Case([&](scf::IfOp ifOp) -> std::optional<IntegerRange> {
        unsigned i = cast<OpResult>(value).getResultNumber();
        std::optional<IntegerRange> a = range(ifOp.thenYield().getOperand(i));
        if (ifOp.getElseRegion().empty())
          return all;
        std::optional<IntegerRange> b = range(ifOp.elseYield().getOperand(i));
        if (!a || !b)
          return std::nullopt;
        return hull(*a, *b);
      })
      .Case([&](arith::ConstantOp constant) -> std::optional<IntegerRange> {
        if (auto attr = dyn_cast<IntegerAttr>(constant.getValue()))
          return IntegerRange{attr.getValue().getSExtValue(),
                              attr.getValue().getSExtValue()};
        return all;
      })
      .Case([&](memref::LoadOp load) -> std::optional<IntegerRange> {
        const void *key = arrayKey(load.getMemRef());
        if (!key)
          return all;
        auto found = arrays.find(key);
        if (found != arrays.end())
          return fit(found->second, type);
        // Interface arrays hold their whole type; a local one not yet
        // stored to is unknown this round.
        if (argumentKeys.count(key) || settled)
          return all;
        return std::nullopt;
      })
      .Case([&](arith::AddIOp) -> std::optional<IntegerRange> {
        // A partial sum stored back or carried to the next iteration:
        // the range its array or loop-carried value holds.
        for (OpOperand &use : value.getUses())
          if (auto yield = dyn_cast<scf::YieldOp>(use.getOwner()))
            if (auto loop = dyn_cast<scf::ForOp>(yield->getParentOp())) {
              Value arg = loop.getRegionIterArgs()[use.getOperandNumber()];
              if (def->getOperand(0) == arg || def->getOperand(1) == arg)
                return carriedRange(loop, use.getOperandNumber());
            }
        for (Operation *user : value.getUsers())
          if (auto store = dyn_cast<memref::StoreOp>(user))
            if (store.getValue() == value)
              if (const void *key = arrayKey(store.getMemRef()))
                if (isAccumulation(value, key))
                  return storedRange(store, key);
        return binary([](IntegerRange a, IntegerRange b) {
          return IntegerRange{a.lo + b.lo, a.hi + b.hi};
        });
      })
      .Case([&](arith::SubIOp) {
        return binary([](IntegerRange a, IntegerRange b) {
          return IntegerRange{a.lo - b.hi, a.hi - b.lo};
        });
      })
      .Case([&](arith::MulIOp) {
        return binary([](IntegerRange a, IntegerRange b) {
          Wide p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
          return IntegerRange{*std::min_element(p, p + 4),
                              *std::max_element(p, p + 4)};
        });
      })
      .Case<arith::MaxSIOp, arith::MinSIOp>([&](Operation *op) {
        bool isMax = isa<arith::MaxSIOp>(op);
        return binary([isMax](IntegerRange a, IntegerRange b) {
          return isMax
                     ? IntegerRange{std::max(a.lo, b.lo), std::max(a.hi, b.hi)}
                     : IntegerRange{std::min(a.lo, b.lo), std::min(a.hi, b.hi)};
        });
      })
      .Case([&](arith::SelectOp) -> std::optional<IntegerRange> {
        std::optional<IntegerRange> a = get(1), b = get(2);
        if (!a || !b)
          return std::nullopt;
        return hull(*a, *b);
      })
      .Case<arith::ShRSIOp, arith::ShLIOp>(
          [&](Operation *op) -> std::optional<IntegerRange> {
            std::optional<IntegerRange> a = get(0);
            auto shift = getConstantIntValue(op->getOperand(1));
            if (!a)
              return std::nullopt;
            if (!shift || *shift < 0 || *shift > 62)
              return all;
            if (isa<arith::ShRSIOp>(op))
              return IntegerRange{a->lo >> *shift, a->hi >> *shift};
            return fit(
                {a->lo * (Wide(1) << *shift), a->hi * (Wide(1) << *shift)},
                type);
          })
      .Case<arith::ExtSIOp, arith::IndexCastOp>(
          [&](Operation *) -> std::optional<IntegerRange> {
            std::optional<IntegerRange> a = get(0);
            if (!a)
              return std::nullopt;
            // i1 operands are read as 0/-1 when sign-extended.
            if (def->getOperand(0).getType().isInteger(1))
              return IntegerRange{-1, 0};
            return fit(*a, type);
          })
      .Case<arith::ExtUIOp, arith::IndexCastUIOp>(
          [&](Operation *) -> std::optional<IntegerRange> {
            std::optional<IntegerRange> a = get(0);
            if (!a)
              return std::nullopt;
            Type from = def->getOperand(0).getType();
            unsigned width = from.isIndex() ? 64 : from.getIntOrFloatBitWidth();
            if (a->lo >= 0)
              return *a;
            return fit({0, (Wide(1) << width) - 1}, type);
          })
      .Case([&](arith::TruncIOp) -> std::optional<IntegerRange> {
        std::optional<IntegerRange> a = get(0);
        if (!a)
          return std::nullopt;
        return fit(*a, type);
      })
      .Case([&](arith::AndIOp) -> std::optional<IntegerRange> {
        for (unsigned i = 0; i < 2; ++i)
          if (auto mask = getConstantIntValue(def->getOperand(i)))
            if (*mask >= 0)
              return IntegerRange{0, *mask};
        return all;
      })
      .Case([&](math::CtPopOp) -> std::optional<IntegerRange> {
        return IntegerRange{0, Wide(type.getIntOrFloatBitWidth())};
      })
      .Default([&](Operation *) -> std::optional<IntegerRange> { return all; });
}

/// The `index`th loop-carried value of `loop` (its iteration argument and
/// result). A running sum `acc + x`, x independent of acc, after at most
/// `trip` iterations lies in init + [0, trip] * x; other recurrences hold
/// their whole type.
std::optional<IntegerRange> KernelRanges::carriedRange(scf::ForOp loop,
                                                       unsigned index) {
  Value arg = loop.getRegionIterArgs()[index];
  IntegerRange all = typeRange(arg.getType());
  if (arg.getType().isInteger(1) || isa<MemRefType>(arg.getType()))
    return all;
  // Cuts the cycle through the yielded value: provisionally everything.
  cache[arg] = all;
  auto lb = getConstantIntValue(loop.getLowerBound());
  auto ub = getConstantIntValue(loop.getUpperBound());
  auto step = getConstantIntValue(loop.getStep());
  auto add = loop.getYieldedValues()[index].getDefiningOp<arith::AddIOp>();
  if (!lb || !ub || !step || *step <= 0 || !add ||
      (add.getLhs() != arg && add.getRhs() != arg))
    return all;
  Value term = add.getLhs() == arg ? add.getRhs() : add.getLhs();
  std::optional<IntegerRange> x = range(term);
  std::optional<IntegerRange> init = range(loop.getInitArgs()[index]);
  if (!x || !init)
    return std::nullopt;
  Wide trip = *ub > *lb ? (Wide(*ub) - *lb + *step - 1) / *step : 0;
  IntegerRange sum{init->lo + trip * std::min<Wide>(x->lo, 0),
                   init->hi + trip * std::max<Wide>(x->hi, 0)};
  IntegerRange result = fit(sum, arg.getType());
  cache[arg] = result;
  return result;
}

unsigned KernelRanges::bitsOf(Value value, unsigned irBits) {
  std::optional<IntegerRange> r = range(value);
  if (!r)
    return irBits;
  return std::min(irBits, r->getSignedBits());
}
