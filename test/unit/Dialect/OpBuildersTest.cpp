//===- OpBuildersTest.cpp - building qsnn ops from C++ --------------------===//
//
// The importer builds ops without spelling result types: check that the
// inferred types are right and that verification errors carry the message.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

class OpBuilders : public ::testing::Test {
protected:
  OpBuilders() : builder(&context) {
    context.loadDialect<QSNNDialect, arith::ArithDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }

  Value constant(ArrayRef<int64_t> shape, float value) {
    return builder.create<arith::ConstantOp>(
        builder.getUnknownLoc(),
        DenseElementsAttr::get(f32(shape), builder.getF32FloatAttr(value)));
  }

  /// Verifies the module and returns the first diagnostic, if any.
  std::string verifyMessage() {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    (void)verify(*module);
    return message;
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(OpBuilders, Conv2DInfersStridedShape) {
  Location loc = builder.getUnknownLoc();
  Value input = constant({8, 32, 14, 14}, 1.0f);
  Value weight = constant({64, 32, 3, 3}, -1.0f);
  Value scale = constant({64}, 0.5f);
  auto conv = builder.create<Conv2DOp>(
      loc, input, weight, scale, /*bias=*/Value(), WeightQuant::Binary,
      ArrayRef<int64_t>{2, 2}, ArrayRef<int64_t>{1, 1, 1, 1},
      ArrayRef<int64_t>{1, 1}, 1);
  EXPECT_EQ(conv.getType(), f32({8, 64, 7, 7}));
  EXPECT_EQ(verifyMessage(), "");
}

TEST_F(OpBuilders, EncodeReadoutRoundTripTheBatch) {
  Location loc = builder.getUnknownLoc();
  Value input = constant({3, 10}, 0.0f);
  auto encode = builder.create<EncodeOp>(loc, input, 4);
  EXPECT_EQ(encode.getType(), f32({12, 10}));
  auto readout = builder.create<ReadoutOp>(loc, encode, 4);
  EXPECT_EQ(readout.getType(), f32({3, 10}));
}

TEST_F(OpBuilders, BinaryWeightValueIsRejected) {
  Location loc = builder.getUnknownLoc();
  Value input = constant({2, 16}, 1.0f);
  Value weight = constant({4, 16}, 0.25f);
  Value scale = constant({4}, 1.0f);
  builder.create<LinearOp>(loc, input, weight, scale, Value(),
                           WeightQuant::Binary);
  EXPECT_EQ(verifyMessage(), "'qsnn.linear' op binary weights must be -1 or "
                             "+1; weight element 0 is 0.25");
}

TEST_F(OpBuilders, LIFNumLevels) {
  Location loc = builder.getUnknownLoc();
  Value input = constant({8, 4}, 0.0f);
  auto make = [&](int64_t bits, Levels levels) {
    auto lif = builder.create<LIFOp>(loc, input, /*timeSteps=*/2, bits,
                                     /*alphaU=*/2.0, FireOn::Full, levels);
    return lif.getNumLevels();
  };
  EXPECT_EQ(make(2, Levels::Signed), 1);
  EXPECT_EQ(make(4, Levels::Signed), 7);
  EXPECT_EQ(make(8, Levels::Signed), 127);
  EXPECT_EQ(make(2, Levels::Paper), 3);
  EXPECT_EQ(make(8, Levels::Paper), 255);
  EXPECT_EQ(make(32, Levels::Signed), 0);
  EXPECT_EQ(verifyMessage(), "");
}

} // namespace
