//===- ExposeSpikes.cpp - every LIF's spikes as extra outputs -------------===//
//
// The spikes of each LIF (i1 at the integer level, f32 0/1 at the float
// level, [T*N, ...]) are viewed as [T, N, ...], converted to i8 0/1 and
// appended to the function's results, so that tests can compare every layer
// with a reference model.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Transforms/Passes.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_EXPOSESPIKES
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// The first NameLoc inside `loc` (through fused and call-site locations).
std::optional<std::string> findName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (auto name = findName(inner))
        return name;
    return std::nullopt;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return findName(callSite.getCallee());
  return std::nullopt;
}

/// [T*N, ...] spikes -> [T, N, ...] i8 0/1.
Value toUInt8Spikes(OpBuilder &builder, Location loc, Value spikes,
                    int64_t steps) {
  auto type = cast<RankedTensorType>(spikes.getType());
  SmallVector<int64_t> shape = {steps, type.getDimSize(0) / steps};
  llvm::append_range(shape, type.getShape().drop_front());
  SmallVector<ReassociationIndices> groups = {{0, 1}};
  for (int64_t d = 2, e = shape.size(); d < e; ++d)
    groups.push_back({d});
  Value stepped = builder.create<tensor::ExpandShapeOp>(loc, type.clone(shape),
                                                        spikes, groups);
  Type i8 = builder.getI8Type();
  Value init = builder.create<tensor::EmptyOp>(loc, shape, i8);
  AffineMap identity = builder.getMultiDimIdentityMap(shape.size());
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  bool isFloat = isa<FloatType>(type.getElementType());
  return builder
      .create<linalg::GenericOp>(
          loc, init.getType(), stepped, init,
          ArrayRef<AffineMap>{identity, identity}, iterators,
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value byte =
                isFloat ? b.create<arith::FPToUIOp>(l, i8, args[0]).getResult()
                        : b.create<arith::ExtUIOp>(l, i8, args[0]).getResult();
            b.create<linalg::YieldOp>(l, byte);
          })
      .getResult(0);
}

struct ExposeSpikesPass : qsnn::impl::ExposeSpikesBase<ExposeSpikesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || func.isPrivate())
      return;
    SmallVector<std::pair<Operation *, int64_t>> lifs;
    func.walk([&](Operation *op) {
      if (auto lif = dyn_cast<ILIFOp>(op))
        lifs.push_back({op, static_cast<int64_t>(lif.getTimeSteps())});
      else if (auto lif = dyn_cast<LIFOp>(op)) {
        // A LIF that yields its membrane (NIR leaky integrators) or never
        // fires has no spikes to expose.
        if (!lif.getEmitMembrane() && lif.getReset() != Reset::None)
          lifs.push_back({op, static_cast<int64_t>(lif.getTimeSteps())});
      }
    });
    if (lifs.empty())
      return;
    if (!func.getBody().hasOneBlock())
      return (void)(func.emitError("--expose-spikes needs a single-block "
                                   "function"),
                    signalPassFailure());
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    OpBuilder builder(ret);
    MLIRContext *context = &getContext();
    for (auto [index, entry] : llvm::enumerate(lifs)) {
      auto [op, steps] = entry;
      Value spikes =
          toUInt8Spikes(builder, op->getLoc(), op->getResult(0), steps);
      std::string name =
          findName(op->getLoc()).value_or("lif" + std::to_string(index));
      ret->insertOperands(ret->getNumOperands(), spikes);
      NamedAttrList attrs;
      attrs.append(QSNNDialect::NameAttrHelper::getNameStr(),
                   StringAttr::get(context, "spikes:" + name));
      attrs.append(QSNNDialect::BatchDimAttrHelper::getNameStr(),
                   builder.getI64IntegerAttr(1));
      func.insertResult(func.getNumResults(), spikes.getType(),
                        attrs.getDictionary(context));
    }
  }
};

} // namespace
