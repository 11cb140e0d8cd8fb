//===- HDF5Process.cpp - the HDF5 library, contained in a child -----------===//
//
// The importer runs before any pass, so no thread of the parent's is running
// when it forks; the child calls HDF5, which the parent never calls.
//
//===----------------------------------------------------------------------===//
#include "HDF5Process.h"

#include "HDF5TreeCodec.h"

#include "qsnn/Support/ContainedProcess.h"

using namespace mlir::qsnn::nir_import;

std::unique_ptr<H5Node> mlir::qsnn::nir_import::readHDF5ImageContained(
    llvm::StringRef image, std::string &error, int timeLimitSeconds) {
  constexpr size_t kMaxAnswerBytes = size_t(kMaxTotalBytes) + 4096;
  auto readAndEncode = [image] {
    std::string readError, answer;
    std::unique_ptr<H5Node> root = readHDF5Image(image, readError);
    if (root)
      encodeHDF5Tree(*root, answer);
    else
      encodeHDF5Error(readError, answer);
    return answer;
  };
  ::qsnn::support::ContainedResult run = ::qsnn::support::runContained(
      readAndEncode, timeLimitSeconds, kMaxAnswerBytes);
  const std::string failed = "the HDF5 library failed while reading the file (";
  if (!run.failure.empty()) {
    error = failed + run.failure + ")";
    return nullptr;
  }
  bool readerError;
  std::unique_ptr<H5Node> root = decodeHDF5Tree(run.answer, error, readerError);
  if (!root && !readerError)
    error = failed + error + ")";
  return root;
}
