//===- ElfCheckFuzzer.cpp - the runtime's ELF check on any bytes ----------===//
//
// checkSharedLibrary stands between a damaged model.so and dlopen: whatever
// the bytes, it must answer without reading outside them.
//
//===----------------------------------------------------------------------===//
#include "../runtime/lib/RuntimeInternal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  (void)qsnn::runtime::checkSharedLibrary("model.so", bytes);
  return 0;
}
