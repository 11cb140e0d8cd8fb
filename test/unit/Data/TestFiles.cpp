//===- TestFiles.cpp - Writing small data set files in the real formats
//----===//

#include "TestFiles.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <jpeglib.h>

namespace qsnn::data::test {

TempDir::TempDir() {
  std::string pattern =
      (fs::temp_directory_path() / "qsnn-traindata-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("cannot create a temporary directory");
  root = pattern;
}

TempDir::~TempDir() {
  std::error_code error;
  fs::remove_all(root, error);
}

void writeBytes(const fs::path &path, const Bytes &bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path.string());
}

void writeText(const fs::path &path, const std::string &text) {
  writeBytes(path, Bytes(text.begin(), text.end()));
}

void writeGzip(const fs::path &path, const Bytes &bytes) {
  fs::create_directories(path.parent_path());
  gzFile file = gzopen(path.c_str(), "wb");
  if (!file ||
      gzwrite(file, bytes.data(), unsigned(bytes.size())) != int(bytes.size()))
    throw std::runtime_error("cannot write " + path.string());
  gzclose(file);
}

Bytes readBytes(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void appendBigEndian32(Bytes &bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(uint8_t(value >> shift));
}

void appendLittleEndian32(Bytes &bytes, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    bytes.push_back(uint8_t(value >> shift));
}

void appendLittleEndian16(Bytes &bytes, uint16_t value) {
  bytes.push_back(uint8_t(value));
  bytes.push_back(uint8_t(value >> 8));
}

Bytes makeIdx(const std::vector<uint32_t> &dims, const Bytes &data) {
  Bytes bytes;
  appendBigEndian32(bytes, 0x800u | uint32_t(dims.size()));
  for (uint32_t dim : dims)
    appendBigEndian32(bytes, dim);
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

void writeJpeg(const fs::path &path, int width, int height, int components,
               const Bytes &pixels) {
  fs::create_directories(path.parent_path());
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    throw std::runtime_error("cannot write " + path.string());
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  jpeg_stdio_dest(&info, file);
  info.image_width = JDIMENSION(width);
  info.image_height = JDIMENSION(height);
  info.input_components = components;
  info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, 100, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(
        pixels.data() + size_t(info.next_scanline) * width * components);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::fclose(file);
}

std::string dataErrorOf(const std::function<void()> &action) {
  try {
    action();
  } catch (const DataError &error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a qsnn::data::DataError";
  return "";
}

::testing::AssertionResult containsAll(const std::string &text,
                                       const std::vector<std::string> &parts) {
  for (const std::string &part : parts)
    if (text.find(part) == std::string::npos)
      return ::testing::AssertionFailure()
             << "'" << text << "' does not contain '" << part << "'";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult hasLayout(const DataSplit &split, InputKind kind,
                                     int64_t size, int64_t timeSteps,
                                     int64_t channels, int64_t height,
                                     int64_t width) {
  std::string wrong;
  auto check = [&](const char *field, int64_t actual, int64_t expected) {
    if (actual != expected)
      wrong += std::string(" ") + field + " " + std::to_string(actual) +
               " (expected " + std::to_string(expected) + ")";
  };
  check("kind", static_cast<int64_t>(split.kind), static_cast<int64_t>(kind));
  check("size", split.size, size);
  check("timeSteps", split.timeSteps, timeSteps);
  check("channels", split.channels, channels);
  check("height", split.height, height);
  check("width", split.width, width);
  if (wrong.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "split has" << wrong;
}

int eventCount(const DataSplit &split, int64_t sample, int64_t t, int64_t p,
               int64_t x, int64_t y) {
  return split.sample(
      sample)[((t * 2 + p) * split.height + y) * split.width + x];
}

uint64_t sampleTotal(const DataSplit &split, int64_t sample) {
  uint64_t sum = 0;
  for (int64_t i = 0; i < split.sampleBytes(); ++i)
    sum += split.sample(sample)[i];
  return sum;
}

} // namespace qsnn::data::test
