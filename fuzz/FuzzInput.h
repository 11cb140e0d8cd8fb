//===- FuzzInput.h - helpers shared by the libFuzzer targets ----*- C++ -*-===//
//
// Readers that take a folder are fuzzed on folders made from the input: the
// input is the files' contents joined by kFileSeparator, in a fixed order
// of names. Seeds are written the same way (fuzz/make_seeds.py).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_FUZZ_FUZZINPUT_H
#define QSNN_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace qsnn::fuzz {

inline constexpr std::string_view kFileSeparator = "\n--qsnn-next-file--\n";

/// Splits `data` at kFileSeparator into exactly `count` parts (missing
/// parts are empty, extra separators stay in the last part).
inline std::vector<std::string> splitFiles(const uint8_t *data, size_t size,
                                           size_t count) {
  std::string_view rest(reinterpret_cast<const char *>(data), size);
  std::vector<std::string> parts;
  while (parts.size() + 1 < count) {
    size_t at = rest.find(kFileSeparator);
    if (at == std::string_view::npos)
      break;
    parts.emplace_back(rest.substr(0, at));
    rest.remove_prefix(at + kFileSeparator.size());
  }
  parts.emplace_back(rest);
  parts.resize(count);
  return parts;
}

/// A folder in /dev/shm (memory, not disk) owned by this process, emptied
/// for every input.
class ScratchFolder {
public:
  ScratchFolder() {
    std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    root = base / ("qsnn-fuzz-" + std::to_string(getpid()));
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }

  /// Removes everything and writes `files` (relative name -> contents).
  const std::filesystem::path &
  fill(const std::vector<std::pair<std::string, std::string>> &files) {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
    std::filesystem::create_directories(root);
    for (const auto &[name, contents] : files) {
      std::filesystem::path path = root / name;
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary)
          .write(contents.data(), std::streamsize(contents.size()));
    }
    return root;
  }

private:
  std::filesystem::path root;
};

} // namespace qsnn::fuzz

#endif // QSNN_FUZZ_FUZZINPUT_H
