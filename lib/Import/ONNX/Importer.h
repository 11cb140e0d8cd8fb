//===- Importer.h - state shared by the ONNX graph walker and op handlers -===//
//
// The Importer walks the graph in order and keeps one TensorInfo per ONNX
// tensor name. Op handlers (one file per op family) read their node's inputs
// and attributes through it, build IR with its builder and record outputs;
// every failure emits exactly one diagnostic that names the node.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_IMPORTER_H
#define QSNN_LIB_IMPORT_ONNX_IMPORTER_H

#include "OnnxModelIO.h"
#include "TensorData.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Import/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class ModelProto;
class NodeProto;
class TensorProto;
class ValueInfoProto;
} // namespace onnx

namespace mlir::qsnn::onnx_import {

/// The output of a weight quantizer (BipolarQuant, Quant/IntQuant), folded at
/// import time: `levels * scale` is what the ONNX graph computes.
struct QuantizedWeight {
  WeightQuant kind;
  /// ±1 (binary) or integers in [-127, 127] (int8), f32, the weight's shape.
  DenseElementsAttr levels;
  /// α or s as the model gives it (scalar or broadcastable to `levels`).
  DenseElementsAttr scale;
  /// "BipolarQuant node 'q0'", for messages about the scale.
  std::string origin;
};

/// What the importer knows about one ONNX tensor.
struct TensorInfo {
  int32_t dtype = kUndefined;
  SmallVector<int64_t> shape;
  /// The SSA value, once the tensor exists at run time.
  Value value;
  /// Initializer or Constant contents, decoded on first use.
  const onnx::TensorProto *proto = nullptr;
  DenseElementsAttr constant;
  std::shared_ptr<QuantizedWeight> quant;

  bool isConstant() const { return proto || constant || quant; }
};

class Importer;
using OpHandler = LogicalResult (*)(Importer &);

/// An attribute an op accepts, in opset versions [since, until).
struct AttrSpec {
  const char *name;
  int64_t since = 1;
  int64_t until = INT64_MAX;
};

/// Input counts of op versions [since, until) that differ from the OpSpec's.
struct ArityForm {
  int64_t since;
  int64_t until;
  unsigned minInputs;
  unsigned maxInputs;
};

/// Op versions [since, until) that qsnn does not import; `reason` completes
/// "Tile-1 (opset 5) ...", and the message suggests re-exporting with opset
/// >= `until`.
struct UnsupportedForm {
  int64_t since;
  int64_t until;
  const char *reason;
};

struct OpSpec {
  OpHandler handler = nullptr;
  /// Attribute versions are op versions (for ai.onnx the since_version the
  /// model's opset selects), which equal the opsets that introduced them.
  std::vector<AttrSpec> attributes;
  /// Inputs [0, minInputs) must be given; at most maxInputs exist.
  unsigned minInputs = 1;
  unsigned maxInputs = 1;
  /// Outputs the handler understands; more is an error the walker reports.
  unsigned maxOutputs = 1;
  std::vector<ArityForm> arities = {};
  std::vector<UnsupportedForm> unsupported = {};
};

/// Keyed by "<domain>::<op_type>", domain "" for ai.onnx, "qonnx" for the
/// three accepted quantizer domains.
using OpTable = llvm::StringMap<OpSpec>;

void registerConvPoolOps(OpTable &table);
void registerElementwiseOps(OpTable &table);
void registerMatMulOps(OpTable &table);
void registerQuantizerOps(OpTable &table);
void registerReduceOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerSpikingOps(OpTable &table);

class Importer {
public:
  Importer(MLIRContext &context, llvm::StringRef path,
           const OnnxImportOptions &options, const onnx::ModelProto &model,
           const ShapeMap &inferred);

  /// Builds the module; null after a diagnostic.
  OwningOpRef<ModuleOp> run();

  //===--- Services for op handlers (relative to the current node) -------===//

  MLIRContext *getContext() { return &context; }
  OpBuilder &builder() { return b; }
  Location loc() const { return nodeLoc; }
  const onnx::NodeProto &node() const { return *current; }
  /// Opset version of the current node's domain.
  int64_t opset() const { return nodeOpset; }
  /// Version of the current node's op: for ai.onnx the largest since_version
  /// <= opset() (GlobalAveragePool in opset 17 is GlobalAveragePool-1), for
  /// the other domains opset().
  int64_t opVersion() const { return nodeVersion; }
  /// "Reshape-1 (opset 4)" for messages.
  std::string versionedOp() const;
  /// `qsnn.time_steps` from the model metadata.
  std::optional<int64_t> timeSteps() const { return metaTimeSteps; }

  /// Starts the error "node 'n' (Op, #i): ..." at the node's location.
  InFlightDiagnostic error();

  unsigned numInputs() const;
  unsigned numOutputs() const;
  /// True if input `i` is given (ONNX marks omitted optional inputs "").
  bool hasInput(unsigned i) const;
  const std::string &inputName(unsigned i) const;
  TensorInfo &input(unsigned i);

  /// The runtime value of input `i` (constants become arith.constant);
  /// f32 or, when `allowUInt8`, ui8.
  FailureOr<Value> runtimeInput(unsigned i, bool allowUInt8 = false);
  /// The compile-time contents of input `i`; `role` names it in errors.
  FailureOr<DenseElementsAttr> constantInput(unsigned i, llvm::StringRef role);
  /// An int64 constant input (shapes, repeats, axes) as a vector.
  FailureOr<SmallVector<int64_t>> int64Input(unsigned i, llvm::StringRef role);
  /// Reads a constant float tensor of any shape as a flat vector.
  FailureOr<SmallVector<float>> floatConstantInput(unsigned i,
                                                   llvm::StringRef role);

  /// The node that produces `tensor`, with its index, or null.
  const onnx::NodeProto *producerOf(llvm::StringRef tensor,
                                    unsigned *index = nullptr) const;
  /// Info of an already defined tensor, or null.
  TensorInfo *lookup(llvm::StringRef tensor);
  /// Compile-time contents of a constant tensor that need not be an input of
  /// the current node (schema patterns look back through producers).
  FailureOr<DenseElementsAttr> constantValue(TensorInfo &info,
                                             llvm::StringRef name) {
    return decode(info, name);
  }
  /// Materializes `info` as a runtime value (f32/ui8), or fails naming
  /// `name`.
  FailureOr<Value> materialize(TensorInfo &info, llvm::StringRef name,
                               bool allowUInt8);

  /// Records output `i`; checks the shape against what the model declares
  /// and what ONNX inferred.
  LogicalResult setOutput(unsigned i, Value value);
  LogicalResult setOutputConstant(unsigned i, DenseElementsAttr constant);
  LogicalResult setOutputQuant(unsigned i,
                               std::shared_ptr<QuantizedWeight> quant);
  /// Makes output `i` an alias of input `j` (Identity).
  LogicalResult forwardInput(unsigned i, unsigned j);

  /// arith.constant (dense_resource above 1024 elements).
  Value constant(DenseElementsAttr attr, llvm::StringRef nameHint);

  //===--- Attributes: missing ones keep the caller's default -------------===//
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  LogicalResult getAttr(llvm::StringRef name, int64_t &value);
  LogicalResult getAttr(llvm::StringRef name, float &value);
  LogicalResult getAttr(llvm::StringRef name, std::string &value);
  LogicalResult getAttr(llvm::StringRef name, SmallVectorImpl<int64_t> &value);
  LogicalResult getAttr(llvm::StringRef name, SmallVectorImpl<float> &value);

private:
  LogicalResult importMetadata(ModuleOp module);
  /// Metadata that must agree with the imported graph: the class names
  /// with the logits' extent.
  LogicalResult checkMetadataAgainstGraph(ModuleOp module, func::FuncOp func);
  LogicalResult checkOpsets();
  LogicalResult declareConstants();
  LogicalResult buildSignature(func::FuncOp &func);
  LogicalResult importNode(const onnx::NodeProto &node, unsigned index);
  LogicalResult resolveVersion(const OpSpec &spec);
  LogicalResult checkAttributes(const OpSpec &spec);
  LogicalResult checkArity(const OpSpec &spec);
  LogicalResult finishOutputs(func::FuncOp func);
  LogicalResult checkShape(llvm::StringRef name, ArrayRef<int64_t> shape,
                           int32_t dtype);
  FailureOr<DenseElementsAttr> decode(TensorInfo &info, llvm::StringRef name);
  Location locationFor(llvm::StringRef name);
  std::string displayName(const onnx::NodeProto &node) const;

  MLIRContext &context;
  std::string path;
  const OnnxImportOptions &options;
  const onnx::ModelProto &model;
  const ShapeMap &inferred;
  OpBuilder b;
  OpTable table;

  llvm::StringMap<TensorInfo> tensors;
  /// Declared value_info / graph output types of the original model.
  llvm::StringMap<const onnx::ValueInfoProto *> declared;
  llvm::StringMap<std::pair<const onnx::NodeProto *, unsigned>> producers;
  llvm::StringMap<int64_t> opsets;
  std::optional<int64_t> metaTimeSteps;
  /// Graph inputs of a dtype that cannot be a function argument.
  SmallVector<std::string> unsupportedInputs;

  const onnx::NodeProto *current = nullptr;
  unsigned currentIndex = 0;
  int64_t nodeOpset = 0;
  int64_t nodeVersion = 0;
  Location nodeLoc;
};

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_IMPORTER_H
