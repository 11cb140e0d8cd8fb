//===- OnnxShapeInferenceTest.cpp - onnx shape inference in a child -------===//
//
// onnx 1.12 crashes inferring a Conv whose data input has rank 2; the
// importer runs shape inference in a child process (docs/spec.md §5.11), so
// the crash is one failure message. test/Import/shape-inference-crash.test
// is the same model through the tools.
//
//===----------------------------------------------------------------------===//
#include "OnnxModelIO.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

using namespace mlir::qsnn::onnx_import;

namespace {

onnx::ModelProto parse(const char *text) {
  onnx::ModelProto model;
  EXPECT_EQ(parseModel(text, /*isText=*/true, model), "");
  return model;
}

TEST(OnnxShapeInference, ACrashInOnnxIsOneFailure) {
  onnx::ModelProto model = parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[5,5] x, float[6,1,3,3] w) => (float[1,6,3,3] y) {
      h = Relu(x)
      y = Conv<group=3>(h, w)
    })");
  ShapeMap shapes;
  std::string error = inferShapes(model, /*batchSize=*/1, shapes);
  // A plain build reports the signal; a sanitized one the sanitizer's exit.
  EXPECT_EQ(error.rfind("the ONNX library ended abnormally (", 0), 0u)
      << error;
  EXPECT_TRUE(shapes.empty());
}

TEST(OnnxShapeInference, ShapesComeBackFromTheChild) {
  onnx::ModelProto model = parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,3,8,8] x, float[4,3,3,3] w) => (float y) {
      h = Relu(x)
      y = Conv<pads=[1,1,1,1]>(h, w)
    })");
  ShapeMap shapes;
  EXPECT_EQ(inferShapes(model, /*batchSize=*/2, shapes), "");
  ASSERT_TRUE(shapes.count("h"));
  EXPECT_EQ(shapes["h"], (llvm::SmallVector<int64_t>{2, 3, 8, 8}));
  ASSERT_TRUE(shapes.count("y"));
  EXPECT_EQ(shapes["y"], (llvm::SmallVector<int64_t>{2, 4, 8, 8}));
}

TEST(OnnxShapeInference, NodeErrorsLeaveShapesUnknown) {
  // Not fatal: the importer's own shape rules explain such a node.
  onnx::ModelProto model = parse(R"(
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2,3] x, float[4,5] w) => (float y) {
      h = Relu(x)
      y = MatMul(h, w)
    })");
  ShapeMap shapes;
  EXPECT_EQ(inferShapes(model, /*batchSize=*/1, shapes), "");
  EXPECT_EQ(shapes["h"], (llvm::SmallVector<int64_t>{2, 3}));
  EXPECT_FALSE(shapes.count("y") && !shapes["y"].empty());
}

} // namespace
