//===- TensorFileFuzzer.cpp - qsnn-run's TensorProto reader on any bytes --===//
//
// Test vectors come from outside (a model's test_data_set_*/, --test-data):
// whatever their bytes, readTensorFile either fills a tensor whose data
// matches its shape and dtype or refuses it with a message.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "../tools/qsnn-run/TensorFile.h"

#include <cstdlib>

namespace {

int64_t elementBytes(int32_t dtype) {
  switch (dtype) {
  case QSNN_DTYPE_UINT8:
    return 1;
  case QSNN_DTYPE_FLOAT32:
    return 4;
  case QSNN_DTYPE_INT64:
    return 8;
  default:
    return 0;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static qsnn::fuzz::ScratchFolder folder;
  std::string bytes(reinterpret_cast<const char *>(data), size);
  std::filesystem::path root = folder.fill({{"input_0.pb", bytes}});
  qsnn::run::HostTensor tensor;
  std::string error;
  if (!qsnn::run::readTensorFile((root / "input_0.pb").string(), tensor,
                                 error)) {
    if (error.empty())
      std::abort(); // a refusal must say why
    return 0;
  }
  // An accepted tensor holds exactly the data its shape and dtype promise.
  int64_t width = elementBytes(tensor.dtype);
  if (width == 0 || tensor.elements() < 0 ||
      int64_t(tensor.bytes.size()) != tensor.elements() * width)
    std::abort();
  return 0;
}
