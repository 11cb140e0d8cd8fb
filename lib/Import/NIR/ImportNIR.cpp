//===- ImportNIR.cpp - entry points and the qsnn-translate registration ---===//
#include "qsnn/Import/ImportNIR.h"

#include "Emitter.h"
#include "HDF5Process.h"
#include "HDF5Tree.h"
#include "HDF5TreeCodec.h"
#include "NirGraph.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;

bool qsnn::isNirPath(llvm::StringRef path) {
  return llvm::sys::path::extension(path) == ".nir";
}

static void registerDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, tensor::TensorDialect, QSNNDialect>();
}

/// Upper bound on T * N: every merged tensor's leading dimension.
constexpr int64_t kMaxRows = int64_t(1) << 24;

/// Loads the dialects and checks the options; false after an error.
static bool prepare(MLIRContext &context, Location fileLoc,
                    const NirImportOptions &options) {
  DialectRegistry registry;
  registerDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  if (options.timeSteps < 1 || options.batchSize < 1 ||
      options.timeSteps > kMaxRows / options.batchSize) {
    emitError(fileLoc) << "time steps " << options.timeSteps << " and batch "
                       << options.batchSize
                       << " must be positive with T * N at most " << kMaxRows;
    return false;
  }
  if (options.dt < 0 || !std::isfinite(options.dt)) {
    emitError(fileLoc) << "dt must be positive and finite";
    return false;
  }
  return true;
}

/// The graph checks and the emitter on a tree read from the file (null
/// with `error` when it could not be read).
static OwningOpRef<ModuleOp> importTree(const nir_import::H5Node *root,
                                        const std::string &error,
                                        llvm::StringRef path, Location fileLoc,
                                        MLIRContext &context,
                                        const NirImportOptions &options) {
  std::string graphError = error;
  nir_import::NirGraph graph;
  if (!root || !nir_import::buildNirGraph(*root, graph, graphError)) {
    emitError(fileLoc) << graphError;
    return nullptr;
  }
  nir_import::Emitter emitter(context, path, options, graph);
  OwningOpRef<ModuleOp> module = emitter.run();
  if (!module)
    return nullptr;
  // The emitter checks every shape and parameter itself; a verifier failure
  // here would be an importer bug, reported rather than compiled.
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> qsnn::importNirBuffer(llvm::StringRef contents,
                                            llvm::StringRef path,
                                            MLIRContext &context,
                                            const NirImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (!prepare(context, fileLoc, options))
    return nullptr;
  // HDF5 runs in a child process: a file that crashes or hangs it is one
  // error here (lib/Import/NIR/HDF5Process.h).
  std::string error;
  std::unique_ptr<nir_import::H5Node> root =
      nir_import::readHDF5ImageContained(contents, error);
  return importTree(root.get(), error, path, fileLoc, context, options);
}

OwningOpRef<ModuleOp>
qsnn::importNirEncodedTree(llvm::StringRef encoded, llvm::StringRef path,
                           MLIRContext &context,
                           const NirImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  if (!prepare(context, fileLoc, options))
    return nullptr;
  std::string error;
  bool readerError;
  std::unique_ptr<nir_import::H5Node> root =
      nir_import::decodeHDF5Tree(encoded, error, readerError);
  return importTree(root.get(), error, path, fileLoc, context, options);
}

OwningOpRef<ModuleOp> qsnn::importNirFile(llvm::StringRef path,
                                          MLIRContext &context,
                                          const NirImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot open NIR file '" << path
        << "': " << buffer.getError().message();
    return nullptr;
  }
  return importNirBuffer((*buffer)->getBuffer(), path, context, options);
}

void qsnn::registerImportNirTranslation() {
  static llvm::cl::opt<double> dt(
      "nir-dt",
      llvm::cl::desc("--import-nir: forward Euler step in seconds for time "
                     "constants (docs/spec.md §8.3)"),
      llvm::cl::init(0.0));
  static llvm::cl::opt<int64_t> timeSteps(
      "nir-time-steps",
      llvm::cl::desc("--import-nir: time steps T per run (input frames "
                     "[T, N, ...])"),
      llvm::cl::init(1));
  static llvm::cl::opt<int64_t> batch(
      "nir-batch", llvm::cl::desc("--import-nir: samples N per run"),
      llvm::cl::init(1));
  static llvm::cl::opt<bool> exposeMembranes(
      "nir-expose-membranes",
      llvm::cl::desc("--import-nir: also return every LIF, IF and CubaLIF "
                     "membrane as membrane:<node>"));
  static TranslateToMLIRRegistration registration(
      "import-nir", "import a NIR graph (HDF5, docs/spec.md §8) to qsnn IR",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        NirImportOptions options;
        options.dt = dt;
        options.timeSteps = timeSteps;
        options.batchSize = batch;
        options.exposeMembranes = exposeMembranes;
        OwningOpRef<ModuleOp> module =
            importNirBuffer(buffer->getBuffer(), buffer->getBufferIdentifier(),
                            *context, options);
        return OwningOpRef<Operation *>(module.release());
      },
      registerDialects);
}
