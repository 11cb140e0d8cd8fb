//===- ShapeOps.cpp - Reshape, Flatten, Squeeze/Unsqueeze, Tile, Expand, Concat
//
// Shapes, repeats and axes must be compile-time int64 constants (all shapes
// are static). Reshapes of constants fold; runtime reshapes become
// collapse_shape / expand_shape, Tile and Expand a broadcasting
// linalg.generic, Concat insert_slices into an empty tensor.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "SchemaPatterns.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLExtras.h"

#include <climits>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

/// Output 0 is input 0 with a new shape of the same element count.
LogicalResult setReshaped(Importer &imp, ArrayRef<int64_t> shape) {
  TensorInfo &in = imp.input(0);
  if (llvm::any_of(shape, [](int64_t d) { return d == 0; }))
    return imp.error() << "zero-sized dimensions are not supported: "
                       << formatShape(shape);
  if ((in.proto || in.constant) && !in.quant && !in.value) {
    FailureOr<DenseElementsAttr> attr = imp.constantInput(0, "input");
    if (failed(attr))
      return failure();
    return imp.setOutputConstant(0,
                                 attr->reshape(attr->getType().clone(shape)));
  }
  FailureOr<Value> value = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(value))
    return failure();
  return imp.setOutput(0, reshapeTo(imp.builder(), imp.loc(), *value, shape));
}

/// Normalizes a possibly negative axis against `rank`.
FailureOr<int64_t> normalizeAxis(Importer &imp, int64_t axis, int64_t rank,
                                 bool allowNegative = true) {
  int64_t result = axis < 0 && allowNegative ? axis + rank : axis;
  if (result < 0 || result >= rank)
    return imp.error() << "axis " << axis << " is out of range for rank "
                       << rank;
  return result;
}

/// The requested shape: attribute 'shape' of Reshape-1, input #1 since
/// Reshape-5.
FailureOr<SmallVector<int64_t>> reshapeTarget(Importer &imp) {
  if (imp.opVersion() >= 5)
    return imp.int64Input(1, "shape");
  if (!imp.findAttr("shape"))
    return imp.error() << "attribute 'shape' is required";
  SmallVector<int64_t> shape;
  if (failed(imp.getAttr("shape", shape)))
    return failure();
  return shape;
}

LogicalResult importReshape(Importer &imp) {
  FailureOr<SmallVector<int64_t>> requested = reshapeTarget(imp);
  if (failed(requested))
    return failure();
  int64_t allowZero = 0;
  if (failed(imp.getAttr("allowzero", allowZero)))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  SmallVector<int64_t> shape(*requested);
  int64_t inferAt = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t &d = shape[i];
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return imp.error() << "shape entry " << i
                           << " is 0 (copy) but the input has rank "
                           << in.size();
      d = in[i];
    } else if (d == -1) {
      if (inferAt >= 0)
        return imp.error() << "shape " << formatShape(*requested)
                           << " has more than one -1";
      inferAt = i;
      continue;
    } else if (d < -1) {
      return imp.error() << "shape " << formatShape(*requested)
                         << " has an invalid entry " << d;
    }
    known *= d;
  }
  int64_t count = numElements(in);
  if (inferAt >= 0) {
    if (known == 0 || count % known != 0)
      return imp.error() << "cannot reshape " << formatShape(in) << " to "
                         << formatShape(*requested);
    shape[inferAt] = count / known;
  } else if (known != count) {
    return imp.error() << "cannot reshape " << formatShape(in) << " (" << count
                       << " elements) to " << formatShape(shape);
  }
  FailureOr<bool> fused = matchEncodeExpand(imp, shape);
  if (failed(fused))
    return failure();
  if (*fused)
    return success();
  return setReshaped(imp, shape);
}

LogicalResult importFlatten(Importer &imp) {
  int64_t axis = 1;
  if (failed(imp.getAttr("axis", axis)))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  int64_t rank = in.size();
  if (axis < 0 && imp.opVersion() >= 11)
    axis += rank;
  if (axis < 0 || axis > rank)
    return imp.error() << "axis " << axis << " is out of range for rank "
                       << rank;
  int64_t outer = numElements(in.take_front(axis));
  int64_t inner = numElements(in.drop_front(axis));
  TensorInfo &info = imp.input(0);
  if (info.dtype != kFloat || info.isConstant())
    return setReshaped(imp, {outer, inner});
  FailureOr<Value> value = imp.runtimeInput(0);
  if (failed(value))
    return failure();
  OpBuilder &b = imp.builder();
  return imp.setOutput(
      0,
      b.create<FlattenOp>(imp.loc(), tensorType(b.getF32Type(), {outer, inner}),
                          *value, b.getI64IntegerAttr(axis)));
}

/// Axes of Squeeze/Unsqueeze: an attribute before version 13, an input since;
/// negative axes from version 11.
FailureOr<SmallVector<int64_t>> readAxes(Importer &imp, bool required) {
  SmallVector<int64_t> axes;
  if (imp.opVersion() < 13) {
    if (failed(imp.getAttr("axes", axes)))
      return failure();
  } else if (imp.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> input = imp.int64Input(1, "axes");
    if (failed(input))
      return failure();
    axes = std::move(*input);
  }
  if (required && axes.empty())
    return imp.error() << "axes are required";
  return axes;
}

LogicalResult importUnsqueeze(Importer &imp) {
  FailureOr<SmallVector<int64_t>> axes = readAxes(imp, /*required=*/true);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  int64_t rank = in.size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a =
        normalizeAxis(imp, axis, rank, imp.opVersion() >= 11);
    if (failed(a))
      return failure();
    if (inserted[*a])
      return imp.error() << "axis " << axis << " is repeated";
    inserted[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : in[next++]);
  return setReshaped(imp, shape);
}

LogicalResult importSqueeze(Importer &imp) {
  FailureOr<SmallVector<int64_t>> axes = readAxes(imp, /*required=*/false);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  SmallVector<bool> removed(in.size(), axes->empty());
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a =
        normalizeAxis(imp, axis, in.size(), imp.opVersion() >= 11);
    if (failed(a))
      return failure();
    if (in[*a] != 1)
      return imp.error() << "cannot squeeze dimension " << *a << " of extent "
                         << in[*a];
    removed[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (auto [d, extent] : llvm::enumerate(in))
    if (!(removed[d] && extent == 1))
      shape.push_back(extent);
  return setReshaped(imp, shape);
}

LogicalResult importTile(Importer &imp) {
  FailureOr<SmallVector<int64_t>> repeats = imp.int64Input(1, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  if (repeats->size() != in.size())
    return imp.error() << "repeats " << formatShape(*repeats) << " must have "
                       << in.size() << " entries, one per input dimension";
  if (llvm::any_of(*repeats, [](int64_t r) { return r < 1; }))
    return imp.error() << "repeats " << formatShape(*repeats)
                       << " must be positive";
  FailureOr<bool> fused = matchEncodeTile(imp, *repeats);
  if (failed(fused))
    return failure();
  if (*fused)
    return success();
  FailureOr<Value> value = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(value))
    return failure();
  // out[r * n + i] = in[i] per dimension: view the result as interleaved
  // [r0, n0, r1, n1, ...] (dimensions with r = 1 stay single), broadcast the
  // input over the r dimensions, then collapse each pair.
  OpBuilder &b = imp.builder();
  Location loc = imp.loc();
  Value source = *value;
  SmallVector<int64_t> viewShape, finalShape, inputDims;
  SmallVector<ReassociationIndices> groups;
  for (auto [d, n] : llvm::enumerate(in)) {
    int64_t r = (*repeats)[d];
    ReassociationIndices group;
    if (r > 1) {
      group.push_back(viewShape.size());
      viewShape.push_back(r);
    }
    group.push_back(viewShape.size());
    inputDims.push_back(viewShape.size());
    viewShape.push_back(n);
    groups.push_back(group);
    finalShape.push_back(n * r);
  }
  SmallVector<AffineExpr> exprs;
  for (int64_t d : inputDims)
    exprs.push_back(b.getAffineDimExpr(d));
  int64_t rank = viewShape.size();
  AffineMap inputMap = AffineMap::get(rank, 0, exprs, b.getContext());
  Type element = getElementTypeOrSelf(source.getType());
  Value init = b.create<tensor::EmptyOp>(loc, viewShape, element);
  Value view =
      b.create<linalg::GenericOp>(
           loc, TypeRange{init.getType()}, ValueRange{source}, ValueRange{init},
           ArrayRef<AffineMap>{inputMap, b.getMultiDimIdentityMap(rank)},
           SmallVector<utils::IteratorType>(rank,
                                            utils::IteratorType::parallel),
           [](OpBuilder &nb, Location l, ValueRange args) {
             nb.create<linalg::YieldOp>(l, args[0]);
           })
          .getResult(0);
  Value tiled = view;
  if (rank != static_cast<int64_t>(in.size()))
    tiled = b.create<tensor::CollapseShapeOp>(
        loc, tensorType(element, finalShape), view, groups);
  return imp.setOutput(0, tiled);
}

LogicalResult importExpand(Importer &imp) {
  FailureOr<SmallVector<int64_t>> requested = imp.int64Input(1, "shape");
  if (failed(requested))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(in, *requested);
  if (!shape)
    return imp.error() << "cannot expand " << formatShape(in) << " to "
                       << formatShape(*requested);
  FailureOr<Value> value = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(value))
    return failure();
  OpBuilder &b = imp.builder();
  Value source = *value;
  Value result = broadcastGeneric(
      b, imp.loc(), {source}, *shape, getElementTypeOrSelf(source.getType()),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return imp.setOutput(0, result);
}

LogicalResult importConcat(Importer &imp) {
  // Concat-1 concatenates along axis 1 by default; since Concat-4 the axis
  // is required.
  if (!imp.findAttr("axis") && imp.opVersion() >= 4)
    return imp.error() << "attribute 'axis' is required";
  int64_t axis = 1;
  if (failed(imp.getAttr("axis", axis)))
    return failure();
  ArrayRef<int64_t> first = imp.input(0).shape;
  FailureOr<int64_t> a =
      normalizeAxis(imp, axis, first.size(), imp.opVersion() >= 11);
  if (failed(a))
    return failure();
  SmallVector<int64_t> shape(first);
  shape[*a] = 0;
  for (unsigned i = 0; i < imp.numInputs(); ++i) {
    ArrayRef<int64_t> s = imp.input(i).shape;
    for (size_t d = 0; d < s.size(); ++d)
      if (s.size() != first.size() ||
          (static_cast<int64_t>(d) != *a && s[d] != first[d]))
        return imp.error() << "input shapes " << formatShape(first) << " and "
                           << formatShape(s) << " cannot be concatenated "
                           << "along axis " << *a;
    shape[*a] += s[*a];
  }
  FailureOr<bool> fused = matchEncodeConcat(imp, *a);
  if (failed(fused))
    return failure();
  if (*fused)
    return success();
  OpBuilder &b = imp.builder();
  Location loc = imp.loc();
  FailureOr<Value> firstValue = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(firstValue))
    return failure();
  Type element = getElementTypeOrSelf(firstValue->getType());
  Value result = b.create<tensor::EmptyOp>(loc, shape, element);
  int64_t offset = 0;
  for (unsigned i = 0; i < imp.numInputs(); ++i) {
    FailureOr<Value> part = imp.runtimeInput(i, /*allowUInt8=*/true);
    if (failed(part))
      return failure();
    if (getElementTypeOrSelf(part->getType()) != element)
      return imp.error() << "inputs have different dtypes";
    ArrayRef<int64_t> s = shapeOf(*part);
    SmallVector<OpFoldResult> offsets(s.size(), b.getIndexAttr(0));
    offsets[*a] = b.getIndexAttr(offset);
    SmallVector<OpFoldResult> sizes, strides(s.size(), b.getIndexAttr(1));
    for (int64_t d : s)
      sizes.push_back(b.getIndexAttr(d));
    result = b.create<tensor::InsertSliceOp>(loc, *part, result, offsets, sizes,
                                             strides);
    offset += s[*a];
  }
  return imp.setOutput(0, result);
}

} // namespace

void onnx_import::registerShapeOps(OpTable &table) {
  // Reshape-1 takes the shape as an attribute (and the in-place hint
  // consumed_inputs); since Reshape-5 it is input #1.
  table["::Reshape"] = {
      importReshape,
      {{"allowzero", 14}, {"consumed_inputs", 1, 5}, {"shape", 1, 5}},
      /*minInputs=*/2,
      /*maxInputs=*/2,
      /*maxOutputs=*/1,
      /*arities=*/{{1, 5, 1, 1}}};
  table["::Flatten"] = {importFlatten, {{"axis"}}};
  table["::Unsqueeze"] = {importUnsqueeze, {{"axes", 1, 13}}, 1, 2, 1,
                          {{1, 13, 1, 1}}};
  table["::Squeeze"] = {importSqueeze,  {{"axes", 1, 13}}, 1, 2, 1,
                        {{1, 13, 1, 1}}};
  // Tile-1 repeats along one axis given by scalar inputs 'tiles' and 'axis';
  // its specification leaves open whether it repeats the tensor or each
  // element, so it is not imported.
  table["::Tile"] = {importTile,
                     {},
                     2,
                     2,
                     1,
                     {},
                     {{1, 6, "takes scalar 'tiles' and 'axis' inputs"}}};
  table["::Expand"] = {importExpand, {}, 2, 2};
  table["::Concat"] = {importConcat, {{"axis"}}, 1, UINT_MAX};
}
