//===- ImportONNX.cpp - entry points and the qsnn-translate registration --===//
#include "qsnn/Import/ImportONNX.h"

#include "BoundInputs.h"
#include "Importer.h"
#include "ModelValidation.h"
#include "OnnxModelIO.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"

#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::qsnn;

void qsnn::registerImportOnnxDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, tensor::TensorDialect, QSNNDialect>();
}

/// The folder external data may come from: the model file's own; none for a
/// model read from standard input.
static std::string modelFolder(llvm::StringRef path) {
  if (path.empty() || path == "-" || path.starts_with("<"))
    return "";
  llvm::StringRef parent = llvm::sys::path::parent_path(path);
  return parent.empty() ? "." : parent.str();
}

OwningOpRef<ModuleOp> qsnn::importOnnxBuffer(llvm::StringRef contents,
                                             llvm::StringRef path,
                                             MLIRContext &context,
                                             const OnnxImportOptions &options) {
  DialectRegistry registry;
  registerImportOnnxDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (options.batchSize < 1) {
    emitError(fileLoc) << "batch size must be positive, got "
                       << options.batchSize;
    return nullptr;
  }
  // onnxtext starts with '<' (the model header), possibly after comments in
  // .onnxtxt files; binary protobuf never starts with that byte.
  bool isText = path.ends_with(".onnxtxt") || contents.ltrim().starts_with("<");
  onnx::ModelProto model;
  std::string message = onnx_import::parseModel(contents, isText, model);
  if (!message.empty()) {
    emitError(fileLoc) << message;
    return nullptr;
  }
  message = onnx_import::validateModel(
      model, modelFolder(path));
  if (!message.empty()) {
    emitError(fileLoc) << message;
    return nullptr;
  }
  if (failed(onnx_import::bindInputs(model, options, path, context)))
    return nullptr;
  // Shape inference only cross-checks the importer's own shape rules, so a
  // failure is reported only if the import itself finds nothing to explain.
  onnx_import::ShapeMap shapes;
  std::string inferenceError =
      onnx_import::inferShapes(model, options.batchSize, shapes);
  if (!inferenceError.empty())
    shapes.clear();
  onnx_import::Importer importer(context, path, options, model, shapes);
  OwningOpRef<ModuleOp> module = importer.run();
  if (!module)
    return nullptr;
  if (!inferenceError.empty()) {
    emitError(fileLoc) << "ONNX shape inference failed: " << inferenceError;
    return nullptr;
  }
  // Last, so that what the importer explains itself is explained first.
  message = onnx_import::checkModel(model);
  if (!message.empty()) {
    emitError(fileLoc) << "the model fails the ONNX checker: " << message;
    return nullptr;
  }
  return module;
}

OwningOpRef<ModuleOp> qsnn::importOnnxFile(llvm::StringRef path,
                                           MLIRContext &context,
                                           const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot open ONNX model '" << path
        << "': " << buffer.getError().message();
    return nullptr;
  }
  return importOnnxBuffer((*buffer)->getBuffer(), path, context, options);
}

void qsnn::registerImportOnnxTranslation() {
  static llvm::cl::opt<int64_t> batchSize(
      "batch",
      llvm::cl::desc("--import-onnx: extent of symbolic or unknown graph "
                     "input dimensions (the batch)"),
      llvm::cl::init(1));
  static llvm::cl::alias batchSizeAlias(
      "batch-size", llvm::cl::desc("Alias for --batch"),
      llvm::cl::aliasopt(batchSize));
  static llvm::cl::opt<std::string> functionName(
      "onnx-function-name",
      llvm::cl::desc("--import-onnx: name of the generated function"),
      llvm::cl::init("forward"));
  static llvm::cl::list<std::string> bindInput(
      "bind-input",
      llvm::cl::desc("--import-onnx: make graph input NAME the constant "
                     "TensorProto in FILE (repeatable)"),
      llvm::cl::value_desc("NAME=FILE"));
  static TranslateToMLIRRegistration registration(
      "import-onnx", "import an ONNX model (binary or onnxtext) to qsnn IR",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OnnxImportOptions options;
        options.batchSize = batchSize;
        options.functionName = functionName;
        Location loc =
            FileLineColLoc::get(context, buffer->getBufferIdentifier(), 0, 0);
        for (llvm::StringRef binding : bindInput) {
          auto [name, file] = binding.split('=');
          if (name.empty() || file.empty()) {
            emitError(loc) << "--bind-input expects NAME=FILE, got '" << binding
                           << "'";
            return nullptr;
          }
          if (!options.boundInputs.emplace(name.str(), file.str()).second) {
            emitError(loc) << "--bind-input binds '" << name << "' twice";
            return nullptr;
          }
        }
        OwningOpRef<ModuleOp> module =
            importOnnxBuffer(buffer->getBuffer(), buffer->getBufferIdentifier(),
                             *context, options);
        return OwningOpRef<Operation *>(module.release());
      },
      registerImportOnnxDialects);
}
