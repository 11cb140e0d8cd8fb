//===- Emitter.h - a NIR graph to qsnn float-level IR -----------*- C++ -*-===//
//
// Walks the graph in topological order and emits one value per node, on
// time-merged tensors [T*N, ...] (docs/spec.md §1.4) whose trailing
// dimensions are the node's NIR shape. Layers (Emitter.cpp, EmitLayers.cpp)
// and neurons (EmitNeurons.cpp) read their parameters through the checked
// accessors below. Private to lib/Import/NIR.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_NIR_EMITTER_H
#define QSNN_LIB_IMPORT_NIR_EMITTER_H

#include "NirGraph.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Import/ImportNIR.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::qsnn::nir_import {

using Shape = std::vector<int64_t>;

/// A numeric parameter dataset.
struct Param {
  Shape shape;
  std::vector<double> values;
  bool isUniform() const;
  double at(size_t i) const {
    return values.size() == 1 ? values[0] : values[i];
  }
};

/// A synaptic layer's weight operands: float weights, or (post-training
/// quantization) int8 / binary levels with per-output-channel scales.
struct SynapticWeights {
  Value weight;
  Value scale;
  WeightQuant quant;
};

/// One node's value: the tensor [T*N, shape...] and the NIR shape.
struct NodeValue {
  Value value;
  Shape shape;
};

class Emitter {
public:
  Emitter(MLIRContext &context, llvm::StringRef path,
          const NirImportOptions &options, const NirGraph &graph);
  /// Null after one error on the context.
  OwningOpRef<ModuleOp> run();

  // --- used by the node emitters -------------------------------------
  OpBuilder b;
  const NirImportOptions &options;
  const NirGraph &graph;
  const NirNode *node = nullptr; // the node being emitted
  Location loc;                  // its location (NameLoc of its name)

  /// Records the first error ("node 'x' (T): what") and returns failure.
  LogicalResult fail(const llvm::Twine &what);
  /// An error about the node's (first) incoming edge.
  LogicalResult failEdge(const llvm::Twine &what);

  /// The parameter `name`: numeric, finite. `required = false` returns
  /// nullopt when absent; failure is reported.
  FailureOr<std::optional<Param>> param(llvm::StringRef name,
                                        bool required = true);
  /// A parameter of the neuron shape: one value or one per neuron.
  FailureOr<Param> neuronParam(llvm::StringRef name, const Shape &shape,
                               std::optional<double> fallback = {});
  /// An integer scalar or pair (int or [a, b]); `fallback` when absent.
  FailureOr<std::vector<int64_t>> intPair(llvm::StringRef name,
                                          std::optional<int64_t> fallback,
                                          size_t count = 2);
  /// The node's shape dataset: `shape`, else `<key>` (a dataset or a group
  /// holding `<member>`). nullopt when absent.
  FailureOr<std::optional<Shape>> declaredShape(llvm::StringRef key,
                                                llvm::StringRef member);
  /// The string dataset `name`, or nullopt.
  std::optional<std::string> stringParam(llvm::StringRef name);

  RankedTensorType mergedType(const Shape &shape);
  Value constant(const Shape &shape, llvm::ArrayRef<double> values);
  /// The weights of a synaptic layer, quantized when options.quantization
  /// is set (QuantizeWeights.cpp). `w` is [O, ...].
  SynapticWeights synapticWeights(const Param &w);
  /// x * gain + bias per neuron, gain/bias of one value or one per neuron;
  /// an absent or unit gain / absent or zero bias is skipped.
  Value scaleAndShift(Value x, const Shape &shape, const Param *gain,
                      const Param *bias);

  // Node kinds (EmitLayers.cpp, EmitNeurons.cpp).
  FailureOr<NodeValue> emitAffine(const NodeValue &in, bool hasBias);
  FailureOr<NodeValue> emitConv(const NodeValue &in, int spatialDims);
  FailureOr<NodeValue> emitPool(const NodeValue &in, bool average);
  FailureOr<NodeValue> emitFlatten(const NodeValue &in);
  FailureOr<NodeValue> emitScale(const NodeValue &in);
  FailureOr<NodeValue> emitThreshold(const NodeValue &in);
  FailureOr<NodeValue> emitNeuron(const NodeValue &in);

  /// Membranes to return after the outputs (--nir-expose-membranes).
  std::vector<std::pair<std::string, Value>> membranes;

private:
  MLIRContext &context;
  std::string path;
  Location fileLoc;
  std::string message;

  FailureOr<NodeValue> emitNode(std::vector<NodeValue> &values);
  FailureOr<NodeValue> joinInputs(std::vector<NodeValue> &values);
};

std::string formatShape(const Shape &shape);

} // namespace mlir::qsnn::nir_import

#endif // QSNN_LIB_IMPORT_NIR_EMITTER_H
