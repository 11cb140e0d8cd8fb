//===- TestFiles.h - Writing small data set files in the real formats
//------===//
//
// Tests build tiny copies of each official download in a temporary directory
// so that every reader runs on genuine file formats.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TEST_UNIT_TRAINDATA_TESTFILES_H
#define QSNN_TEST_UNIT_TRAINDATA_TESTFILES_H

#include "qsnn/Data/Dataset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace qsnn::data::test {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const fs::path &path() const { return root; }
  fs::path operator/(const std::string &relative) const {
    return root / relative;
  }

private:
  fs::path root;
};

void writeBytes(const fs::path &path, const Bytes &bytes);
void writeText(const fs::path &path, const std::string &text);
void writeGzip(const fs::path &path, const Bytes &bytes);
Bytes readBytes(const fs::path &path);

void appendBigEndian32(Bytes &bytes, uint32_t value);
void appendLittleEndian32(Bytes &bytes, uint32_t value);
void appendLittleEndian16(Bytes &bytes, uint16_t value);

/// An idx file: magic 0x000008<dims.size()>, the dims, then `data`.
Bytes makeIdx(const std::vector<uint32_t> &dims, const Bytes &data);

/// Writes a JPEG of interleaved `pixels` (1 or 3 components) at quality 100.
void writeJpeg(const fs::path &path, int width, int height, int components,
               const Bytes &pixels);

/// The DataError message `action` throws; a test failure if it throws none.
std::string dataErrorOf(const std::function<void()> &action);

/// Passes if `split` holds `size` samples of `kind` with `timeSteps` frames
/// of channels x height x width; the message lists every field that
/// differs.
::testing::AssertionResult hasLayout(const DataSplit &split, InputKind kind,
                                     int64_t size, int64_t timeSteps,
                                     int64_t channels, int64_t height,
                                     int64_t width);

/// Events of polarity `p` at pixel (x, y) in frame `t` of an event sample
/// ([T, 2, H, W] counts).
int eventCount(const DataSplit &split, int64_t sample, int64_t t, int64_t p,
               int64_t x, int64_t y);

/// Every count of a sample added up.
uint64_t sampleTotal(const DataSplit &split, int64_t sample);

/// Passes if `text` contains every one of `parts`.
::testing::AssertionResult containsAll(const std::string &text,
                                       const std::vector<std::string> &parts);

} // namespace qsnn::data::test

#endif // QSNN_TEST_UNIT_TRAINDATA_TESTFILES_H
