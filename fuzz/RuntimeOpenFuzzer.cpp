//===- RuntimeOpenFuzzer.cpp - qsnn_model_open on a fuzzed model.json -----===//
//
// The input is model.json; model.so is always the runtime tests' hand-written
// artifact (QSNN_FUZZ_LIBRARY), because a library whose digest matches is
// trusted code by design. "@SHA@" in the input becomes that library's real
// SHA-256, so that mutations reach the checks after the digest: the symbol
// lookup, the info checks and the comparison of every field with the info.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "../runtime/lib/RuntimeInternal.h"

#include <fstream>
#include <iterator>

namespace {

const std::string &libraryBytes() {
  static const std::string bytes = [] {
    std::ifstream in(QSNN_FUZZ_LIBRARY, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  return bytes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static qsnn::fuzz::ScratchFolder scratch;
  static const std::string digest = qsnn::runtime::sha256Hex(libraryBytes());
  std::string manifest(reinterpret_cast<const char *>(data), size);
  for (size_t at; (at = manifest.find("@SHA@")) != std::string::npos;)
    manifest.replace(at, 5, digest);
  const auto &dir =
      scratch.fill({{"model.json", manifest}, {"model.so", libraryBytes()}});
  qsnn_model *model = nullptr;
  if (qsnn_model_open(dir.c_str(), &model) == QSNN_RT_OK) {
    // Describe every tensor, as qsnn-run --info does.
    const qsnn_model_info *info = qsnn_model_get_info(model);
    qsnn_tensor desc;
    for (int32_t i = 0; i < info->num_inputs; ++i)
      qsnn_model_input_desc(model, i, 3, &desc);
    for (int32_t i = 0; i < info->num_outputs; ++i)
      qsnn_model_output_desc(model, i, 3, &desc);
    qsnn_model_close(model);
  }
  return 0;
}
