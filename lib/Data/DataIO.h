//===- DataIO.h - File helpers shared by the data set readers ---*- C++ -*-===//
//
// Reading whole files, byte-order helpers and error messages that always name
// the file. Private to lib/Train/Data.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TRAIN_DATA_DATAIO_H
#define QSNN_LIB_TRAIN_DATA_DATAIO_H

#include "qsnn/Data/Dataset.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qsnn::data::detail {

namespace fs = std::filesystem;

/// Throws DataError "<path>: <problem>".
[[noreturn]] void failFile(const fs::path &path, const std::string &problem);

/// Throws DataError "<path>: truncated: expected N bytes, got M".
[[noreturn]] void failTruncated(const fs::path &path, uint64_t expected,
                                uint64_t got);

/// Throws DataError "<path>: missing file" unless `path` is a regular file.
void requireFile(const fs::path &path);

/// Throws DataError "<path>: missing directory" unless `path` is a directory.
void requireDirectory(const fs::path &path);

/// The whole file in one read.
std::vector<uint8_t> readBinaryFile(const fs::path &path);

/// The file's lines without line terminators ("\n" or "\r\n"), blank lines and
/// surrounding whitespace removed.
std::vector<std::string> readTextLines(const fs::path &path);

/// Throws DataError unless `name`, read from `list` (`where` in it, e.g.
/// "line 3"), is a plain file name: a list inside a data set folder may only
/// name files in that folder, never "../x", "/etc/x" or "sub/x".
void requirePlainFileName(const fs::path &list, const std::string &where,
                          const std::string &name);

/// Entries of `dir` (files or directories, per `wantDirectories`), sorted in
/// natural order so that "x_2" precedes "x_10".
std::vector<fs::path> listDirectory(const fs::path &dir, bool wantDirectories);

/// True when `a` sorts before `b` comparing digit runs as numbers.
bool naturalLess(const std::string &a, const std::string &b);

/// The number of samples to keep of `available` under a LoadOptions limit.
int64_t keptCount(int64_t available, int64_t limit);

/// Parses a whole decimal integer; false if `text` is not one.
bool parseInteger(const std::string &text, int64_t &value);

std::string trim(const std::string &text);

/// `text` cut at `separator` (empty fields kept).
std::vector<std::string> splitFields(const std::string &text, char separator);

/// Up to `maxChars` bytes of `bytes` as printable text for error messages.
std::string printablePrefix(const uint8_t *bytes, size_t size,
                            size_t maxChars = 24);

inline uint32_t loadBigEndian32(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

inline uint32_t loadLittleEndian32(const uint8_t *p) {
  return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 |
         uint32_t(p[0]);
}

inline uint16_t loadLittleEndian16(const uint8_t *p) {
  return uint16_t(uint16_t(p[1]) << 8 | p[0]);
}

/// A split of `size` event samples of shape [T, 2, S, S], zero-filled.
DataSplit makeEventSplit(const EventFrameSpec &spec, int64_t size);

/// The frame spec for a square sensor of side `sensorSide` under `options`;
/// throws DataError when eventSize exceeds the sensor.
EventFrameSpec eventSpecFor(const std::string &setName, int64_t sensorSide,
                            const LoadOptions &options);

} // namespace qsnn::data::detail

#endif // QSNN_LIB_TRAIN_DATA_DATAIO_H
