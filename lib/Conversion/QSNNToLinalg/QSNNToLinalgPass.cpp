//===- QSNNToLinalgPass.cpp - the convert-qsnn-to-linalg pass -------------===//
#include "Patterns.h"

#include "qsnn/Conversion/Passes.h"
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_CONVERTQSNNTOLINALG
#include "qsnn/Conversion/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

void qsnn::populateQSNNToLinalgPatterns(RewritePatternSet &patterns,
                                        int64_t vectorBits) {
  populateStructurePatterns(patterns);
  populateSynapticPatterns(patterns);
  populateLIFPatterns(patterns);
  populatePoolingPatterns(patterns);
  populateIntegerSynapticPatterns(patterns);
  populateIntegerNeuronPatterns(patterns);
  populatePackedConvPatterns(patterns, vectorBits);
}

void qsnn::configureQSNNToLinalgTarget(ConversionTarget &target) {
  target.addIllegalDialect<QSNNDialect>();
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect, vector::VectorDialect>();
}

namespace {

struct ConvertQSNNToLinalgPass
    : qsnn::impl::ConvertQSNNToLinalgBase<ConvertQSNNToLinalgPass> {
  using ConvertQSNNToLinalgBase::ConvertQSNNToLinalgBase;
  void runOnOperation() override {
    // The lowerings need every extent (loop bounds, slice sizes, pooling
    // divisors); say so plainly instead of a generic "failed to legalize".
    WalkResult shapes = getOperation()->walk([](Operation *op) {
      if (!isa<QSNNDialect>(op->getDialect()))
        return WalkResult::advance();
      auto isStatic = [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return !shaped || shaped.hasStaticShape();
      };
      if (llvm::all_of(op->getOperandTypes(), isStatic) &&
          llvm::all_of(op->getResultTypes(), isStatic))
        return WalkResult::advance();
      op->emitError() << "convert-qsnn-to-linalg needs static shapes; import "
                         "the model with a fixed batch size";
      return WalkResult::interrupt();
    });
    if (shapes.wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(getContext());
    configureQSNNToLinalgTarget(target);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (vectorBits < 8) {
      getOperation()->emitError()
          << "convert-qsnn-to-linalg: vector-bits must be at least 8, got "
          << static_cast<int64_t>(vectorBits);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateQSNNToLinalgPatterns(patterns, vectorBits);
    if (vectorKernels)
      populateVectorKernelPatterns(patterns, vectorBits);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
