//===- LoweringUtils.cpp - helpers shared by the qsnn lowerings -----------===//
#include "LoweringUtils.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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
                              ElementwiseBody body, Type resultElement) {
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
      maps.push_back(
          AffineMap::get(rank, 0, getAffineDimExpr(channelDim, context)));
    else
      maps.push_back(AffineMap::get(rank, 0,
                                    {getAffineDimExpr(rank - 2, context),
                                     getAffineDimExpr(rank - 1, context)},
                                    context));
  }
  maps.push_back(identity);

  Type element = resultElement ? resultElement : builder.getF32Type();
  auto resultType = RankedTensorType::get(inputType.getShape(), element);
  Value init = builder.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                               resultType.getElementType());
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, params);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = builder.create<linalg::GenericOp>(
      loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result =
            body(nested, nestedLoc, args[0], args.slice(1, params.size()));
        nested.create<linalg::YieldOp>(nestedLoc, result);
      });
  return generic.getResult(0);
}

Value qsnn::createI64Vector(OpBuilder &builder, Location loc,
                            ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    builder.getI64Type());
  return builder.create<arith::ConstantOp>(
      loc, DenseIntElementsAttr::get(type, values));
}

Value qsnn::createIntFilled(OpBuilder &builder, Location loc,
                            RankedTensorType type, int64_t value) {
  Value empty = builder.create<tensor::EmptyOp>(loc, type.getShape(),
                                                type.getElementType());
  Value scalar = builder.create<arith::ConstantOp>(
      loc, builder.getIntegerAttr(type.getElementType(), value));
  return builder.create<linalg::FillOp>(loc, scalar, empty).getResult(0);
}

Value qsnn::castInteger(OpBuilder &builder, Location loc, Value x, Type type) {
  unsigned from = x.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (from == to)
    return x;
  if (from > to)
    return builder.create<arith::TruncIOp>(loc, type, x);
  if (from == 1)
    return builder.create<arith::ExtUIOp>(loc, type, x);
  return builder.create<arith::ExtSIOp>(loc, type, x);
}

Value qsnn::castIntegerTensor(OpBuilder &builder, Location loc, Value input,
                              Type element) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType() == element)
    return input;
  return createElementwise(
      builder, loc, input, {}, /*channelDim=*/1,
      [&](OpBuilder &b, Location l, Value x, ValueRange) {
        return castInteger(b, l, x, element);
      },
      element);
}

RankedTensorType qsnn::getStepType(RankedTensorType merged, int64_t steps,
                                   Type element) {
  SmallVector<int64_t> shape(merged.getShape());
  shape[0] /= steps;
  return RankedTensorType::get(shape, element);
}

Value qsnn::createZeros(OpBuilder &builder, Location loc,
                        RankedTensorType type) {
  if (isa<FloatType>(type.getElementType()))
    return createFilled(builder, loc, type, 0.0);
  return createIntFilled(builder, loc, type, 0);
}

Value qsnn::buildConv2D(OpBuilder &builder, Location loc, Value input,
                        Value weight, RankedTensorType resultType,
                        int64_t groups, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> dilations) {
  Attribute stridesAttr = builder.getI64VectorAttr(strides);
  Attribute dilationsAttr = builder.getI64VectorAttr(dilations);
  if (groups == 1)
    return builder
        .create<linalg::Conv2DNchwFchwOp>(
            loc, TypeRange{resultType}, ValueRange{input, weight},
            ValueRange{createZeros(builder, loc, resultType)}, stridesAttr,
            dilationsAttr)
        .getResult(0);
  auto inType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(weight.getType());
  ArrayRef<int64_t> in = inType.getShape(), w = wType.getShape(),
                    out = resultType.getShape();
  auto groupedIn = RankedTensorType::get(
      {in[0], groups, in[1] / groups, in[2], in[3]}, inType.getElementType());
  auto groupedW = RankedTensorType::get(
      {groups, w[0] / groups, w[1], w[2], w[3]}, wType.getElementType());
  auto groupedOut =
      RankedTensorType::get({out[0], groups, out[1] / groups, out[2], out[3]},
                            resultType.getElementType());
  SmallVector<ReassociationIndices> channels = {{0}, {1, 2}, {3}, {4}};
  SmallVector<ReassociationIndices> outputs = {{0, 1}, {2}, {3}, {4}};
  Value x =
      builder.create<tensor::ExpandShapeOp>(loc, groupedIn, input, channels);
  Value grouped = builder
                      .create<linalg::Conv2DNgchwGfchwOp>(
                          loc, TypeRange{groupedOut},
                          ValueRange{x, builder.create<tensor::ExpandShapeOp>(
                                            loc, groupedW, weight, outputs)},
                          ValueRange{createZeros(builder, loc, groupedOut)},
                          stridesAttr, dilationsAttr)
                      .getResult(0);
  return builder.create<tensor::CollapseShapeOp>(loc, resultType, grouped,
                                                 channels);
}

Value qsnn::buildMatmulTransposeB(OpBuilder &builder, Location loc, Value input,
                                  Value weight, RankedTensorType resultType) {
  return builder
      .create<linalg::MatmulTransposeBOp>(
          loc, TypeRange{resultType}, ValueRange{input, weight},
          ValueRange{createZeros(builder, loc, resultType)})
      .getResult(0);
}

Value qsnn::padWithZeros(OpBuilder &builder, Location loc, Value input,
                         ArrayRef<int64_t> low, ArrayRef<int64_t> high) {
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int64_t d = 0, e = type.getRank(); d < e; ++d) {
    shape[d] += low[d] + high[d];
    lowSizes.push_back(builder.getIndexAttr(low[d]));
    highSizes.push_back(builder.getIndexAttr(high[d]));
  }
  Value zero = builder.create<arith::ConstantOp>(
      loc, builder.getIntegerAttr(type.getElementType(), 0));
  return builder.create<tensor::PadOp>(loc, type.clone(shape), input, lowSizes,
                                       highSizes, zero);
}

Value qsnn::padSpatialWithZeros(OpBuilder &builder, Location loc, Value input,
                                ArrayRef<int64_t> padding) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  low[rank - 2] = padding[0];
  low[rank - 1] = padding[1];
  high[rank - 2] = padding[2];
  high[rank - 1] = padding[3];
  return padWithZeros(builder, loc, input, low, high);
}

Value qsnn::padDimensionWithZeros(OpBuilder &builder, Location loc, Value input,
                                  int64_t dim, int64_t size) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  high[dim] = size - type.getDimSize(dim);
  return padWithZeros(builder, loc, input, low, high);
}

bool qsnn::hasStaticShapes(Operation *op) {
  auto isStatic = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

Value qsnn::buildLIFTimeLoop(OpBuilder &builder, Location loc, Value current,
                             int64_t steps, Value initialState,
                             Type spikeElement, LIFStepBody body) {
  // A current repeated over T by qsnn.encode (a static input's layer, see
  // qsnn-hoist-time-invariant) is read from its single copy at every step
  // instead of a T-fold broadcast.
  if (auto encode = current.getDefiningOp<EncodeOp>())
    current = encode.getInput();
  auto type = cast<RankedTensorType>(current.getType());
  auto stateType = cast<RankedTensorType>(initialState.getType());
  ArrayRef<int64_t> stepShape = stateType.getShape();
  int64_t rank = type.getRank();
  auto currentType = RankedTensorType::get(stepShape, type.getElementType());
  auto spikeType = RankedTensorType::get(stepShape, spikeElement);
  SmallVector<int64_t> spikeShape(stepShape);
  spikeShape[0] *= steps;
  Value spikes0 =
      builder.create<tensor::EmptyOp>(loc, spikeShape, spikeElement);
  Value lb = builder.create<arith::ConstantIndexOp>(loc, 0);
  Value ub = builder.create<arith::ConstantIndexOp>(loc, steps);
  Value unit = builder.create<arith::ConstantIndexOp>(loc, 1);
  Value batch = builder.create<arith::ConstantIndexOp>(loc, stepShape[0]);
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto loop = builder.create<scf::ForOp>(
      loc, lb, ub, unit, ValueRange{initialState, spikes0},
      [&](OpBuilder &b, Location l, Value t, ValueRange carried) {
        Value row = b.create<arith::MulIOp>(l, t, batch);
        SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
        offsets[0] = row;
        SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
        for (int64_t extent : stepShape)
          sizes.push_back(b.getIndexAttr(extent));
        // A current of one step's shape is the same at every step (the
        // layer reads a static input once): no slice, nothing repeated.
        Value stepCurrent =
            type.getDimSize(0) == stepShape[0]
                ? current
                : b.create<tensor::ExtractSliceOp>(l, currentType, current,
                                                   offsets, sizes, strides)
                      .getResult();
        Value spikeSlot = b.create<tensor::ExtractSliceOp>(
            l, spikeType, carried[1], offsets, sizes, strides);
        auto step = b.create<linalg::GenericOp>(
            l, TypeRange{stateType, spikeType}, ValueRange{stepCurrent},
            ValueRange{carried[0], spikeSlot},
            ArrayRef<AffineMap>{identity, identity, identity}, iterators, body);
        Value spikes = b.create<tensor::InsertSliceOp>(
            l, step.getResult(1), carried[1], offsets, sizes, strides);
        b.create<scf::YieldOp>(l, ValueRange{step.getResult(0), spikes});
      });
  return loop.getResult(1);
}
