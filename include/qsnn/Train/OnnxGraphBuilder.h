//===- OnnxGraphBuilder.h - Small helpers to emit ONNX graphs ---*- C++ -*-===//
#ifndef QSNN_TRAIN_ONNXGRAPHBUILDER_H
#define QSNN_TRAIN_ONNXGRAPHBUILDER_H

#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

namespace qsnn::train {

/// A TensorProto with the contents of a contiguous CPU tensor (float, uint8
/// or int64), shape included.
onnx::TensorProto toTensorProto(const at::Tensor &tensor,
                                const std::string &name);

/// Appends nodes, initializers and value infos to a graph with unique names.
class OnnxGraphBuilder {
public:
  explicit OnnxGraphBuilder(onnx::GraphProto &graph) : graph_(graph) {}

  /// A fresh value name: `hint`, or `hint_<n>` if taken.
  std::string uniqueName(const std::string &hint);
  /// Adds an initializer holding `tensor`; returns its name.
  std::string initializer(const std::string &hint, const at::Tensor &tensor);
  std::string int64Initializer(const std::string &hint,
                               const std::vector<int64_t> &values);
  /// Adds a node with one output named after `outputHint`.
  onnx::NodeProto &node(const std::string &opType,
                        const std::vector<std::string> &inputs,
                        const std::string &outputHint,
                        const std::string &domain = "");
  /// Records the float type and shape of a value whose producer ONNX cannot
  /// infer (custom ops); negative dims become the symbol `symbol`.
  void floatValueInfo(const std::string &name, const std::vector<int64_t> &dims,
                      const std::string &symbol = "TN");

  onnx::GraphProto &graph() { return graph_; }

private:
  onnx::GraphProto &graph_;
  std::map<std::string, int> used_;
};

void setAttribute(onnx::NodeProto &node, const std::string &name,
                  int64_t value);
void setAttribute(onnx::NodeProto &node, const std::string &name, double value);
void setAttribute(onnx::NodeProto &node, const std::string &name,
                  const std::string &value);
void setAttribute(onnx::NodeProto &node, const std::string &name,
                  const std::vector<int64_t> &values);

/// Sets the elem type and shape of a graph input/output; a negative dim
/// becomes the symbol `symbol`.
void setTensorType(onnx::ValueInfoProto &info, int32_t elemType,
                   const std::vector<int64_t> &dims, const std::string &symbol);

} // namespace qsnn::train

#endif // QSNN_TRAIN_ONNXGRAPHBUILDER_H
