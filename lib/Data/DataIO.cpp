//===- DataIO.cpp - File helpers shared by the data set readers
//------------===//

#include "DataIO.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace qsnn::data::detail {

void failFile(const fs::path &path, const std::string &problem) {
  throw DataError(path.string() + ": " + problem);
}

void failTruncated(const fs::path &path, uint64_t expected, uint64_t got) {
  failFile(path, "truncated: expected " + std::to_string(expected) +
                     " bytes, got " + std::to_string(got));
}

void requireFile(const fs::path &path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    failFile(path, "missing file");
}

void requireDirectory(const fs::path &path) {
  std::error_code error;
  if (!fs::is_directory(path, error))
    failFile(path, "missing directory");
}

std::vector<uint8_t> readBinaryFile(const fs::path &path) {
  requireFile(path);
  std::unique_ptr<FILE, int (*)(FILE *)> file(std::fopen(path.c_str(), "rb"),
                                              &std::fclose);
  if (!file)
    failFile(path, std::string("cannot open: ") + std::strerror(errno));
  std::error_code error;
  uint64_t size = fs::file_size(path, error);
  if (error)
    failFile(path, "cannot read its size: " + error.message());
  std::vector<uint8_t> bytes(size);
  size_t got = size ? std::fread(bytes.data(), 1, size, file.get()) : 0;
  if (got != size)
    failFile(path, "read error after " + std::to_string(got) + " of " +
                       std::to_string(size) + " bytes");
  return bytes;
}

std::string trim(const std::string &text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return text.substr(begin, end - begin);
}

std::vector<std::string> readTextLines(const fs::path &path) {
  std::vector<uint8_t> bytes = readBinaryFile(path);
  std::vector<std::string> lines;
  std::string text(bytes.begin(), bytes.end());
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string line = trim(text.substr(start, end - start));
    if (!line.empty())
      lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

void requirePlainFileName(const fs::path &list, const std::string &where,
                          const std::string &name) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of("/\\") != std::string::npos ||
      name.find('\0') != std::string::npos)
    failFile(list, where + ": '" + name +
                       "' is not a plain file name (lists may only name files "
                       "inside the data set's folder)");
}

bool naturalLess(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (isDigit(a[i]) && isDigit(b[j])) {
      size_t endA = i, endB = j;
      while (endA < a.size() && isDigit(a[endA]))
        ++endA;
      while (endB < b.size() && isDigit(b[endB]))
        ++endB;
      // Compare the runs as numbers without overflow: skip leading zeros,
      // then the longer run is larger, then lexicographic.
      size_t startA = i, startB = j;
      while (startA + 1 < endA && a[startA] == '0')
        ++startA;
      while (startB + 1 < endB && b[startB] == '0')
        ++startB;
      if (endA - startA != endB - startB)
        return endA - startA < endB - startB;
      int order = a.compare(startA, endA - startA, b, startB, endB - startB);
      if (order != 0)
        return order < 0;
      i = endA;
      j = endB;
      continue;
    }
    if (a[i] != b[j])
      return a[i] < b[j];
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j)
    return a.size() - i < b.size() - j;
  return a < b; // Equal up to digit runs: any strict order.
}

std::vector<fs::path> listDirectory(const fs::path &dir, bool wantDirectories) {
  requireDirectory(dir);
  std::vector<fs::path> entries;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    bool isDirectory = it->is_directory(error);
    if (isDirectory == wantDirectories)
      entries.push_back(it->path());
  }
  if (error)
    failFile(dir, "cannot list directory: " + error.message());
  std::sort(entries.begin(), entries.end(),
            [](const fs::path &a, const fs::path &b) {
              return naturalLess(a.filename().string(), b.filename().string());
            });
  return entries;
}

int64_t keptCount(int64_t available, int64_t limit) {
  return limit < 0 ? available : std::min(available, limit);
}

bool parseInteger(const std::string &text, int64_t &value) {
  std::string digits = trim(text);
  if (digits.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  long long parsed = std::strtoll(digits.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  value = parsed;
  return true;
}

std::vector<std::string> splitFields(const std::string &text, char separator) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    fields.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      return fields;
    start = end + 1;
  }
}

std::string printablePrefix(const uint8_t *bytes, size_t size,
                            size_t maxChars) {
  std::string text;
  for (size_t i = 0; i < size && i < maxChars; ++i) {
    unsigned char c = bytes[i];
    if (c == '\r' || c == '\n')
      break;
    if (std::isprint(c)) {
      text += char(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      text += escaped;
    }
  }
  return text;
}

} // namespace qsnn::data::detail
