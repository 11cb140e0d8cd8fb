//===- ReduceOps.cpp - ReduceMean -----------------------------------------===//
//
// linalg.reduce (sum) followed by a division by the reduced element count;
// keepdims re-inserts the reduced dimensions with extent 1. Axes are an
// attribute in every accepted opset (ReduceMean-18 moved them to an input).
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "SchemaPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

LogicalResult importReduceMean(Importer &imp) {
  SmallVector<int64_t> axes;
  int64_t keepDims = 1;
  if (failed(imp.getAttr("axes", axes)) ||
      failed(imp.getAttr("keepdims", keepDims)))
    return failure();
  ArrayRef<int64_t> in = imp.input(0).shape;
  int64_t rank = in.size();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      return imp.error() << "axis " << axis << " is out of range for rank "
                         << rank;
    reduced[a] = true;
  }
  SmallVector<int64_t> dims, kept, keptWithOnes;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[d]) {
      dims.push_back(d);
      count *= in[d];
      keptWithOnes.push_back(1);
    } else {
      kept.push_back(in[d]);
      keptWithOnes.push_back(in[d]);
    }
  }
  FailureOr<bool> fused = matchReadout(imp, dims, keepDims);
  if (failed(fused))
    return failure();
  if (*fused)
    return success();
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  OpBuilder &b = imp.builder();
  Location loc = imp.loc();
  Value init = filledTensor(b, loc, kept, b.getF32Type(), 0.0);
  Value sum = b.create<linalg::ReduceOp>(
                   loc, ValueRange{*input}, ValueRange{init}, dims,
                   [](OpBuilder &nb, Location l, ValueRange args) {
                     Value acc = nb.create<arith::AddFOp>(l, args[0], args[1]);
                     nb.create<linalg::YieldOp>(l, acc);
                   })
                  .getResult(0);
  Value mean = broadcastGeneric(
      b, loc, {sum}, kept, b.getF32Type(),
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value divisor = nb.create<arith::ConstantOp>(
            l, nb.getF32FloatAttr(static_cast<float>(count)));
        return nb.create<arith::DivFOp>(l, args[0], divisor);
      });
  if (keepDims)
    mean = reshapeTo(b, loc, mean, keptWithOnes);
  return imp.setOutput(0, mean);
}

} // namespace

void onnx_import::registerReduceOps(OpTable &table) {
  table["::ReduceMean"] = {importReduceMean, {{"axes"}, {"keepdims"}}};
}
