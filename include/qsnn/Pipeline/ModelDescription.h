//===- ModelDescription.h - what an artifact says about its model -*- C++
//-*-===//
//
// The facts about a compiled model that the ABI info struct, model.h and
// model.json report: interface, time steps, target and memory plan. Read
// from the qsnn-level module (the importer's IR contract) before lowering,
// completed by the pipeline (memory plan) and code generation (target).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_PIPELINE_MODELDESCRIPTION_H
#define QSNN_PIPELINE_MODELDESCRIPTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::qsnn {

/// Element types at the ABI; the values are those of `qsnn_dtype`.
enum class DType : int32_t { UInt8 = 1, Float32 = 2, Int64 = 3 };

/// "uint8", "float32", "int64".
llvm::StringRef getDTypeName(DType dtype);

struct TensorDescription {
  std::string name; // `qsnn.name` of the argument/result, else input_<i>
  DType dtype = DType::Float32;
  llvm::SmallVector<int64_t> shape;
  /// The dimension that indexes samples, -1 if none (qsnn_tensor_desc).
  int64_t batchDim = 0;
  int64_t getNumBytes() const;
};

/// Bytes of memory the artifact needs, by kind (see PlanMemory in
/// Passes.td for the workspace fields).
struct MemoryPlan {
  int64_t weightBytes = 0;     // constant tensors in read-only data
  int64_t workspaceBytes = 0;  // the caller's workspace (planned size)
  int64_t activationBytes = 0; // live at the peak: buffers between ops
  int64_t scratchBytes = 0;    // live at the peak: per-step temporaries
  int64_t unplannedBytes = 0;  // the sum of all buffers without reuse

  // The model at its storage bit widths (docs/spec.md §6, Table 2 of the
  // paper), read from the qsnn-level IR by describeModelMemory.
  int64_t binaryWeightBytes = 0; // 1-bit weights, ceil(count / 8)
  int64_t int8WeightBytes = 0;   // 8-bit weights
  int64_t floatWeightBytes = 0;  // unquantized (float) weights, 4 bytes each
  int64_t constantBytes = 0;     // per-channel constants (multipliers, ...)
  int64_t membraneBitsPerSample = 0;  // peak live membranes x their bits
  int64_t membraneCountPerSample = 0; // the membranes of that peak layer
  int64_t weightCount = 0;            // synaptic weights of every layer
  int64_t membraneBytes = 0;          // of the whole batch, rounded up to bytes
  // The paper's own convention for Table 2 (docs/table2.md): the trained
  // model's per-channel parameters as 32-bit floats, i.e. BatchNorm gamma
  // and beta of every synaptic layer and the classifier's bias, instead of
  // the deployed multipliers and biases (i64) of constantBytes.
  int64_t paperConstantBytes = 0;

  /// Weights at their bit widths plus per-channel constants.
  int64_t getModelWeightBytes() const {
    return binaryWeightBytes + int8WeightBytes + floatWeightBytes +
           constantBytes;
  }
  /// The figure comparable to Table 2: weights + peak membranes x batch.
  int64_t getTable2Bytes() const {
    return getModelWeightBytes() + membraneBytes;
  }
  /// Weights at their bit widths plus the paper's 32-bit per-channel
  /// parameters (paperConstantBytes).
  int64_t getPaperWeightBytes() const {
    return binaryWeightBytes + int8WeightBytes + floatWeightBytes +
           paperConstantBytes;
  }
  /// Table 2 as the paper computes it: getPaperWeightBytes() + peak
  /// membranes x batch.
  int64_t getPaperTable2Bytes() const {
    return getPaperWeightBytes() + membraneBytes;
  }
};

struct TargetDescription {
  std::string triple;
  std::string cpu;
  std::string features; // "+avx2,+fma,..."; ISA features the code may use
  /// Width of the vector registers the lowering targets: 512 (AVX-512),
  /// 256 (AVX/AVX2), 128 (SSE, NEON, MVE), 32 (a core without vector unit).
  int64_t vectorBits = 512;
};

struct ModelDescription {
  std::string name;               // symbol prefix of NAME_run / NAME_info
  std::string functionName;       // the entry function in the module
  std::string modelName;          // module attribute qsnn.model_name, if any
  std::string numerics = "float"; // "integer" when the model has ireadout
  int64_t readoutFracBits = 0;    // F of the qsnn.ireadout; 0 for float
  std::string inputKind;          // qsnn.input_kind: static | events
  int64_t batch = 1;
  int64_t timeSteps = 1;
  int64_t numClasses = 0;
  llvm::SmallVector<std::string> classNames;
  llvm::SmallVector<TensorDescription> inputs, outputs;
  MemoryPlan memory;
  TargetDescription target;
  std::string qsnnPipeline; // the qsnn-stage passes (prepareModule)
  // Optimized CPU code (QSNNStageOptions::optimize): vector kernels in the
  // linalg stage; false for the reference lowering.
  bool vectorKernels = true;
  // Time schedule of the integer network (QSNNStageOptions::schedule).
  std::string schedule = "layer-major";
  std::string pipeline; // textual MLIR pass pipeline that produced the code
};

/// True for a C identifier, which NAME must be to prefix symbols.
bool isValidSymbolPrefix(llvm::StringRef name);

/// The public function named `functionName` with a body; emits an error on
/// `module` and returns null if there is none.
func::FuncOp lookupEntryFunction(ModuleOp module, llvm::StringRef functionName);

/// Fills the bit-width fields of `plan` from the qsnn-level function `func`
/// (float or integer level) for a batch of `batch` samples.
void describeModelMemory(func::FuncOp func, int64_t batch, MemoryPlan &plan);

/// Reads the interface of `functionName`, the module's qsnn.* attributes,
/// the numerics (integer when the function has a qsnn.ireadout, whose
/// frac_bits is the readout's F) and the model's memory at its bit widths.
/// Fails with an error on `module` for shapes or element types the ABI
/// cannot describe.
FailureOr<ModelDescription> describeModel(ModuleOp module,
                                          llvm::StringRef functionName,
                                          llvm::StringRef symbolPrefix);

} // namespace mlir::qsnn

#endif // QSNN_PIPELINE_MODELDESCRIPTION_H
