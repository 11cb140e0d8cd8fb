//===- IRBuilders.cpp - upstream IR building blocks for the importer ------===//
#include "IRBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

/// Above this many elements constants go to a dense_resource blob: the IR
/// stays readable and large weights are not uniqued as attributes.
static constexpr int64_t kMaxInlineElements = 1024;

RankedTensorType onnx_import::tensorType(Type element,
                                         ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, element);
}

ArrayRef<int64_t> onnx_import::shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

int64_t onnx_import::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string onnx_import::formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      text += ", ";
    text += d < 0 ? std::string("?") : std::to_string(d);
  }
  return text + "]";
}

double onnx_import::widenFloat(float value) {
  if (!std::isfinite(value))
    return value;
  char text[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, value);
    if (std::strtof(text, nullptr) == value)
      break;
  }
  return std::strtod(text, nullptr);
}

std::optional<SmallVector<int64_t>>
onnx_import::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Value onnx_import::toSignless(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer || integer.isSignless())
    return value;
  Type signless = IntegerType::get(b.getContext(), integer.getWidth());
  return b.create<tensor::BitcastOp>(loc, type.clone(signless), value);
}

Value onnx_import::fromSignless(OpBuilder &b, Location loc, Value value,
                                Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return b.create<tensor::BitcastOp>(loc, type.clone(element), value);
}

Value onnx_import::unsignedBytes(OpBuilder &b, Location loc, Value value) {
  auto view = value.getDefiningOp<tensor::BitcastOp>();
  if (view &&
      getElementTypeOrSelf(view.getSource().getType()).isUnsignedInteger(8))
    return view.getSource();
  return fromSignless(
      b, loc, value,
      IntegerType::get(b.getContext(), 8, IntegerType::Unsigned));
}

Value onnx_import::broadcastGeneric(OpBuilder &b, Location loc,
                                    ValueRange inputs,
                                    ArrayRef<int64_t> outShape, Type outElement,
                                    ScalarBody body) {
  int64_t rank = outShape.size();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    ArrayRef<int64_t> shape = shapeOf(input);
    int64_t offset = rank - static_cast<int64_t>(shape.size());
    SmallVector<AffineExpr> exprs;
    for (auto [d, extent] : llvm::enumerate(shape))
      exprs.push_back(extent == 1 && outShape[offset + d] != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(offset + d));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = b.create<tensor::EmptyOp>(loc, outShape, outElement);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        nested.create<linalg::YieldOp>(nestedLoc, result);
      });
  return generic.getResult(0);
}

static ReassociationIndices allDims(int64_t rank) {
  ReassociationIndices all;
  for (int64_t d = 0; d < rank; ++d)
    all.push_back(d);
  return all;
}

/// Collapses every dimension into one (or expands a scalar to [1]).
static Value toVector(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto flat = RankedTensorType::get({numElements(type.getShape())},
                                    type.getElementType());
  if (type.getRank() == 1)
    return value;
  if (type.getRank() == 0)
    return b.create<tensor::ExpandShapeOp>(loc, flat, value,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all = allDims(type.getRank());
  return b.create<tensor::CollapseShapeOp>(loc, flat, value,
                                           ArrayRef<ReassociationIndices>{all});
}

Value onnx_import::reshapeTo(OpBuilder &b, Location loc, Value value,
                             ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto target = type.clone(shape);
  int64_t rank = type.getRank(), newRank = shape.size();
  if (newRank == 0) // All extents are 1: an empty reassociation.
    return b.create<tensor::CollapseShapeOp>(loc, target, value,
                                             ArrayRef<ReassociationIndices>{});
  if (rank == 0)
    return b.create<tensor::ExpandShapeOp>(loc, target, value,
                                           ArrayRef<ReassociationIndices>{});
  if (newRank < rank) {
    if (auto groups =
            getReassociationIndicesForCollapse(type.getShape(), shape))
      return b.create<tensor::CollapseShapeOp>(loc, target, value, *groups);
  } else if (newRank > rank) {
    if (auto groups =
            getReassociationIndicesForCollapse(shape, type.getShape()))
      return b.create<tensor::ExpandShapeOp>(loc, target, value, *groups);
  }
  Value flat = toVector(b, loc, value);
  if (newRank == 1)
    return flat;
  ReassociationIndices all = allDims(newRank);
  return b.create<tensor::ExpandShapeOp>(loc, target, flat,
                                         ArrayRef<ReassociationIndices>{all});
}

Value onnx_import::transpose(OpBuilder &b, Location loc, Value value,
                             ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init = b.create<tensor::EmptyOp>(loc, shape, type.getElementType());
  return b.create<linalg::TransposeOp>(loc, value, init, perm).getResult()[0];
}

Value onnx_import::filledTensor(OpBuilder &b, Location loc,
                                ArrayRef<int64_t> shape, Type element,
                                double value) {
  Value init = b.create<tensor::EmptyOp>(loc, shape, element);
  Value scalar =
      b.create<arith::ConstantOp>(loc, b.getFloatAttr(element, value));
  return b.create<linalg::FillOp>(loc, scalar, init).getResult(0);
}

Value onnx_import::materializeConstant(OpBuilder &b, Location loc,
                                       DenseElementsAttr attr,
                                       llvm::StringRef nameHint) {
  auto type = cast<RankedTensorType>(attr.getType());
  Type element = type.getElementType();
  auto integer = dyn_cast<IntegerType>(element);
  bool unsignedInt = integer && !integer.isSignless();
  if (unsignedInt)
    attr = attr.bitcast(IntegerType::get(b.getContext(), integer.getWidth()));
  auto storedType = cast<RankedTensorType>(attr.getType());

  TypedAttr value = attr;
  if (attr.getNumElements() > kMaxInlineElements && !attr.isSplat()) {
    ArrayRef<char> raw = attr.getRawData();
    AsmResourceBlob blob =
        HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignof(uint64_t));
    std::string key =
        nameHint.empty() ? std::string("onnx_tensor") : nameHint.str();
    for (char &c : key)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    value = DenseResourceElementsAttr::get(storedType, key, std::move(blob));
  }
  Value result = b.create<arith::ConstantOp>(loc, storedType, value);
  return result;
}
