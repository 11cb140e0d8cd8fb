//===- OnnxExport.h - Q-SNN to ONNX (schema ai.qsnn v1) ---------*- C++ -*-===//
//
// Writes the float training model in the interchange schema of docs/spec.md §5:
// opset 17, QONNX weight quantizers (or, for 32-bit weights, plain float
// initializers) feeding Conv/Gemm, ai.qsnn::LIF neurons
// with the running alpha_u, uint8 input with in-graph normalization, and a
// mean-over-time readout.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_ONNXEXPORT_H
#define QSNN_TRAIN_ONNXEXPORT_H

#include "qsnn/Train/Network.h"

#include <onnx/onnx_pb.h>

#include <stdexcept>
#include <string>

namespace qsnn::train {

inline constexpr const char *kQsnnDomain = "ai.qsnn";
inline constexpr const char *kQonnxDomain = "qonnx.custom_op.general";
inline constexpr int64_t kOnnxOpset = 17;

/// Export or validation failure; the message names the model and the reason.
class ExportError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The network (put in eval mode) as an ONNX model.
onnx::ModelProto exportModel(Network &network);

/// onnx::checker plus strict, type-checking shape inference: what
/// onnx.checker.check_model(model, full_check=True) runs. Ops of the
/// unregistered domains ai.qsnn and qonnx.* are accepted by both.
/// Throws ExportError with the checker's message.
void checkModelFully(const onnx::ModelProto &model);

/// Serializes `message` to `path` atomically (temporary file + rename).
void writeProtoAtomically(const google::protobuf::MessageLite &message,
                          const std::string &path);

} // namespace qsnn::train

#endif // QSNN_TRAIN_ONNXEXPORT_H
