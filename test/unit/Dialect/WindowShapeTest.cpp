//===- WindowShapeTest.cpp - ONNX sliding-window output sizes -------------===//
#include "qsnn/Dialect/QSNN/QSNNShapes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "gtest/gtest.h"

using mlir::qsnn::windowOutputSize;

TEST(WindowShape, FloorMode) {
  // 28 + 1 + 1 - 3 = 27 -> 27 / 1 + 1 = 28 ("same" 3x3 convolution).
  EXPECT_EQ(windowOutputSize(28, 3, 1, 1, 1, 1, false), 28);
  // Stride 2 over 32 with padding 1: (32 + 2 - 3) / 2 + 1 = 16.
  EXPECT_EQ(windowOutputSize(32, 3, 2, 1, 1, 1, false), 16);
  // 2x2 pool, stride 2, odd input 7: floor(5 / 2) + 1 = 3.
  EXPECT_EQ(windowOutputSize(7, 2, 2, 0, 0, 1, false), 3);
  // Dilation 2 makes a 3-tap kernel span 5: (7 - 5) / 1 + 1 = 3.
  EXPECT_EQ(windowOutputSize(7, 3, 1, 0, 0, 2, false), 3);
  // Kernel 5, padding 2, stride 2 over 9: (9 + 4 - 5) / 2 + 1 = 5.
  EXPECT_EQ(windowOutputSize(9, 5, 2, 2, 2, 1, false), 5);
}

TEST(WindowShape, CeilMode) {
  // ONNX test_maxpool_2d_ceil: 4x4, kernel 3, stride 2 -> 2x2.
  EXPECT_EQ(windowOutputSize(4, 3, 2, 0, 0, 1, true), 2);
  // 7 with a 2x2/2 pool: ceil(5 / 2) + 1 = 4 (the last window holds one cell).
  EXPECT_EQ(windowOutputSize(7, 2, 2, 0, 0, 1, true), 4);
  // Exact fit needs no extra window: 8 with 2x2/2 -> 4 in both modes.
  EXPECT_EQ(windowOutputSize(8, 2, 2, 0, 0, 1, true), 4);
  // A last window that would start inside the end padding is dropped:
  // 5 + 1 + 1 with kernel 2 stride 3: floor 2, ceil 3 would start at
  // 6 >= 5 + 1, so 2.
  EXPECT_EQ(windowOutputSize(5, 2, 3, 1, 1, 1, true), 2);
}

TEST(WindowShape, DynamicAndTooSmall) {
  EXPECT_EQ(windowOutputSize(mlir::ShapedType::kDynamic, 3, 1, 0, 0, 1, false),
            mlir::ShapedType::kDynamic);
  EXPECT_LT(windowOutputSize(2, 3, 1, 0, 0, 1, false), 1);
}
