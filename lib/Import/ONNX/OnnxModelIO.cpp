//===- OnnxModelIO.cpp - ONNX library calls that may throw ----------------===//
//
// Compiled with -fexceptions (see CMakeLists.txt): every entry point catches
// everything the ONNX library throws and returns it as text.
//
//===----------------------------------------------------------------------===//
#include "OnnxModelIO.h"

#include "qsnn/Support/ContainedProcess.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <set>

using namespace mlir::qsnn;

std::string onnx_import::parseModel(llvm::StringRef contents, bool isText,
                                    onnx::ModelProto &model) {
  try {
    if (!isText) {
      if (contents.size() >
          static_cast<size_t>(std::numeric_limits<int>::max()))
        return "file is larger than protobuf's 2 GiB message limit";
      if (!model.ParseFromArray(contents.data(),
                                static_cast<int>(contents.size())))
        return "not a valid ONNX model: protobuf parsing failed (truncated "
               "or not an ONNX file)";
      return "";
    }
    std::string text = contents.str();
    onnx::OnnxParser parser(text.c_str());
    onnx::Common::Status status = parser.Parse(model);
    if (!status.IsOK())
      return "onnxtext parse error: " + status.ErrorMessage();
    if (!parser.EndOfInput())
      return "onnxtext parse error: unexpected text after the graph";
    return "";
  } catch (const std::exception &e) {
    return std::string("cannot parse the model: ") + e.what();
  } catch (...) {
    return "cannot parse the model: unknown exception";
  }
}

std::string onnx_import::parseTensor(llvm::StringRef contents,
                                     onnx::TensorProto &tensor) {
  try {
    if (contents.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
      return "file is larger than protobuf's 2 GiB message limit";
    if (!tensor.ParseFromArray(contents.data(),
                               static_cast<int>(contents.size())))
      return "not a TensorProto (protobuf parsing failed)";
    // Other messages often parse too, with fields TensorProto does not have.
    if (!tensor.unknown_fields().empty())
      return "not a TensorProto (it has fields TensorProto does not define)";
    if (tensor.data_type() == onnx::TensorProto::UNDEFINED)
      return "not a TensorProto (it has no data_type)";
    return "";
  } catch (const std::exception &e) {
    return std::string("cannot parse the tensor: ") + e.what();
  } catch (...) {
    return "cannot parse the tensor: unknown exception";
  }
}

onnx_import::OpVersion onnx_import::resolveOpVersion(llvm::StringRef opType,
                                                     llvm::StringRef domain,
                                                     int64_t opset) {
  OpVersion result;
  try {
    std::string key = opType.str(), name = domain.str();
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(key, static_cast<int>(opset), name);
    if (schema) {
      result.since = schema->since_version();
      result.deprecated = schema->Deprecated();
      return result;
    }
    const onnx::OpSchema *latest = onnx::OpSchemaRegistry::Schema(key, name);
    if (!latest)
      return result;
    // The first version is the smallest opset that selects a schema.
    for (int64_t v = opset + 1; v <= latest->since_version(); ++v) {
      if (onnx::OpSchemaRegistry::Schema(key, static_cast<int>(v), name)) {
        result.introduced = v;
        break;
      }
    }
  } catch (...) {
    // The registry is built on first use and may throw; treat the op as
    // unknown to ONNX, which the caller reports.
    return OpVersion();
  }
  return result;
}

std::string onnx_import::checkModel(const onnx::ModelProto &model) {
  try {
    onnx::checker::check_model(model);
    return "";
  } catch (const std::exception &e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

/// Gives every symbolic or unknown dimension of the graph inputs the batch
/// extent, as the importer does; inputs with an initializer (a default or a
/// bound input) keep the initializer's shape.
static void bindBatch(onnx::GraphProto &graph, int64_t batchSize) {
  std::set<std::string> constants;
  for (const onnx::TensorProto &tensor : graph.initializer())
    constants.insert(tensor.name());
  for (onnx::ValueInfoProto &input : *graph.mutable_input()) {
    if (constants.count(input.name()) || !input.type().has_tensor_type() ||
        !input.type().tensor_type().has_shape())
      continue;
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (onnx::TensorShapeProto_Dimension &dim : *shape->mutable_dim())
      if (!dim.has_dim_value() || dim.dim_value() <= 0)
        dim.set_dim_value(batchSize);
  }
}

static void collect(const onnx::ValueInfoProto &info,
                    onnx_import::ShapeMap &shapes) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return;
  llvm::SmallVector<int64_t> dims;
  for (const auto &dim : info.type().tensor_type().shape().dim())
    dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  shapes[info.name()] = std::move(dims);
}

/// The child's side of inferShapes: 'S' and a GraphProto holding the
/// inferred value_info and outputs, or 'E' and ONNX's message.
static std::string inferShapesHere(const onnx::ModelProto &model,
                                   int64_t batchSize) {
  try {
    onnx::ModelProto copy = model;
    onnx::GraphProto &graph = *copy.mutable_graph();
    graph.clear_value_info();
    for (onnx::ValueInfoProto &output : *graph.mutable_output())
      output.clear_type();
    bindBatch(graph, batchSize);
    onnx::ShapeInferenceOptions options(/*check_type=*/false,
                                        /*strict_mode=*/0);
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(),
                                       options);
    onnx::GraphProto inferred;
    *inferred.mutable_value_info() = copy.graph().value_info();
    *inferred.mutable_output() = copy.graph().output();
    return "S" + inferred.SerializeAsString();
  } catch (const std::exception &e) {
    return std::string("E") + e.what();
  } catch (...) {
    return "Eunknown exception";
  }
}

/// The first line of `text`, at most 300 bytes.
static std::string firstLine(const std::string &text) {
  return text.substr(0, std::min(text.find('\n'), size_t(300)));
}

std::string onnx_import::inferShapes(const onnx::ModelProto &model,
                                     int64_t batchSize, ShapeMap &shapes) {
  // onnx 1.12's inference functions do not check everything a hostile
  // model can say (a Conv whose data input has rank 2 dereferences a
  // missing shape), so they run in a child process (docs/spec.md §5.11).
  constexpr int kTimeLimitSeconds = 60;
  constexpr size_t kMaxAnswerBytes = size_t(1) << 30;
  ::qsnn::support::ContainedResult run = ::qsnn::support::runContained(
      [&] { return inferShapesHere(model, batchSize); }, kTimeLimitSeconds,
      kMaxAnswerBytes);
  if (!run.failure.empty())
    return "the ONNX library ended abnormally (" + run.failure + ")";
  onnx::GraphProto inferred;
  if (run.answer.empty() || (run.answer[0] != 'S' && run.answer[0] != 'E'))
    return "the ONNX library's process sent a damaged answer";
  if (run.answer[0] == 'E')
    return firstLine(run.answer.substr(1));
  if (!inferred.ParseFromArray(run.answer.data() + 1,
                               static_cast<int>(run.answer.size() - 1)))
    return "the ONNX library's process sent a damaged answer";
  for (const onnx::ValueInfoProto &info : inferred.value_info())
    collect(info, shapes);
  for (const onnx::ValueInfoProto &info : inferred.output())
    collect(info, shapes);
  return "";
}
