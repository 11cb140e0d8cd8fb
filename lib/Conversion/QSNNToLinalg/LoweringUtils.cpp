//===- LoweringUtils.cpp - helpers shared by the qsnn lowerings -----------===//
#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

Value qsnn::createF32(OpBuilder &builder, Location loc, double value) {
  return builder.create<arith::ConstantOp>(
      loc, builder.getF32FloatAttr(static_cast<float>(value)));
}

Value qsnn::createF32Vector(OpBuilder &builder, Location loc,
                            ArrayRef<double> values) {
  SmallVector<float> narrowed(values.begin(), values.end());
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    builder.getF32Type());
  return builder.create<arith::ConstantOp>(
      loc, DenseFPElementsAttr::get(type, ArrayRef<float>(narrowed)));
}

Value qsnn::createFilled(OpBuilder &builder, Location loc,
                         RankedTensorType type, double value) {
  Value empty = builder.create<tensor::EmptyOp>(loc, type.getShape(),
                                                type.getElementType());
  Value scalar = createF32(builder, loc, value);
  return builder.create<linalg::FillOp>(loc, scalar, empty).getResult(0);
}

Value qsnn::createElementwise(OpBuilder &builder, Location loc, Value input,
                              ValueRange params, int64_t channelDim,
                              ElementwiseBody body) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  MLIRContext *context = builder.getContext();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);

  SmallVector<AffineMap> maps = {identity};
  for (Value param : params) {
    auto paramType = cast<RankedTensorType>(param.getType());
    if (paramType.getShape() == inputType.getShape())
      maps.push_back(identity);
    else if (paramType.getRank() == 1)
      maps.push_back(AffineMap::get(rank, 0,
                                    getAffineDimExpr(channelDim, context)));
    else
      maps.push_back(AffineMap::get(rank, 0,
                                    {getAffineDimExpr(rank - 2, context),
                                     getAffineDimExpr(rank - 1, context)},
                                    context));
  }
  maps.push_back(identity);

  auto resultType =
      RankedTensorType::get(inputType.getShape(), builder.getF32Type());
  Value init = builder.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                               resultType.getElementType());
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, params);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = builder.create<linalg::GenericOp>(
      loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args[0],
                            args.slice(1, params.size()));
        nested.create<linalg::YieldOp>(nestedLoc, result);
      });
  return generic.getResult(0);
}

bool qsnn::hasStaticShapes(Operation *op) {
  auto isStatic = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}
