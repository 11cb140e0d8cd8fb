//===- Idx.cpp - MNIST / Fashion-MNIST idx files -------------------------===//
//
// idx format: big-endian magic 0x000008NN (unsigned bytes, NN dimensions),
// NN big-endian uint32 sizes, then the items. The official downloads are
// gzipped; zlib's gzread reads plain files unchanged, so both work.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <zlib.h>

#include <climits>

namespace qsnn::data::detail {
namespace {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data; ///< All items, dims[0] of them.
  int64_t itemBytes() const {
    int64_t bytes = 1;
    for (size_t i = 1; i < dims.size(); ++i)
      bytes *= dims[i];
    return bytes;
  }
};

class GzipFile {
public:
  explicit GzipFile(const fs::path &path) : path(path) {
    requireFile(path);
    file = gzopen(path.c_str(), "rb");
    if (!file)
      failFile(path, "cannot open");
    gzbuffer(file, 1 << 20);
  }
  ~GzipFile() { gzclose(file); }
  GzipFile(const GzipFile &) = delete;
  GzipFile &operator=(const GzipFile &) = delete;

  /// Reads up to `size` bytes; returns how many arrived before end of data.
  uint64_t read(uint8_t *out, uint64_t size) {
    uint64_t done = 0;
    while (done < size) {
      unsigned chunk = unsigned(std::min<uint64_t>(size - done, 1u << 30));
      int got = gzread(file, out + done, chunk);
      if (got < 0)
        failFile(path, "corrupt gzip data: " + zlibError());
      if (got == 0)
        break;
      done += uint64_t(got);
    }
    return done;
  }

  /// Why the last read stopped short, for truncation messages.
  std::string zlibError() {
    int code = Z_OK;
    const char *message = gzerror(file, &code);
    if (code == Z_OK || !message)
      return std::string();
    // zlib prefixes the path, which our messages already start with.
    std::string text = message, prefix = path.string() + ": ";
    return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
  }

private:
  fs::path path;
  gzFile file = nullptr;
};

IdxArray readIdx(const fs::path &path, unsigned expectedDims) {
  GzipFile file(path);
  uint8_t magicBytes[4];
  uint64_t got = file.read(magicBytes, 4);
  if (got < 4)
    failTruncated(path, 4, got);
  uint32_t magic = loadBigEndian32(magicBytes);
  uint32_t expectedMagic = 0x800u | expectedDims;
  if (magic != expectedMagic) {
    char text[128];
    std::snprintf(text, sizeof text,
                  "bad magic number 0x%08x (expected 0x%08x: unsigned-byte idx "
                  "with %u dimension%s)",
                  magic, expectedMagic, expectedDims,
                  expectedDims == 1 ? "" : "s");
    failFile(path, text);
  }

  IdxArray array;
  std::vector<uint8_t> dimBytes(4 * expectedDims);
  got = file.read(dimBytes.data(), dimBytes.size());
  if (got < dimBytes.size())
    failTruncated(path, 4 + dimBytes.size(), 4 + got);
  uint64_t payload = 1;
  for (unsigned d = 0; d < expectedDims; ++d) {
    array.dims.push_back(loadBigEndian32(&dimBytes[4 * d]));
    payload *= array.dims.back();
  }
  if (payload > (uint64_t(1) << 34))
    failFile(path, "header declares an implausible " + std::to_string(payload) +
                       " bytes of data");

  // In chunks: a header that claims more than the file holds allocates no
  // more than the file provides.
  constexpr uint64_t kChunkBytes = uint64_t(16) << 20;
  got = 0;
  while (got < payload) {
    uint64_t want = std::min(payload - got, kChunkBytes);
    array.data.resize(got + want);
    uint64_t arrived = file.read(array.data.data() + got, want);
    got += arrived;
    if (arrived < want)
      break;
  }
  array.data.resize(got);
  if (got < payload) {
    std::string why = file.zlibError();
    failFile(path, "truncated: expected " +
                       std::to_string(4 + 4 * expectedDims + payload) +
                       " bytes, got " +
                       std::to_string(4 + 4 * expectedDims + got) +
                       (why.empty() ? "" : " (zlib: " + why + ")"));
  }
  uint8_t extra;
  if (file.read(&extra, 1) != 0)
    failFile(path, "has data after the " + std::to_string(array.dims[0]) +
                       " items its header declares");
  return array;
}

/// dir/<base>.gz, else dir/<base> (an unpacked download).
fs::path findIdxFile(const fs::path &dir, const std::string &base) {
  std::error_code error;
  fs::path gzipped = dir / (base + ".gz");
  if (fs::is_regular_file(gzipped, error))
    return gzipped;
  fs::path plain = dir / base;
  if (fs::is_regular_file(plain, error))
    return plain;
  failFile(gzipped, "missing file (nor is there an uncompressed " + base + ")");
}

DataSplit loadIdxSplit(const fs::path &dir, const std::string &prefix,
                       int64_t numClasses, int64_t limit) {
  fs::path imagesPath = findIdxFile(dir, prefix + "-images-idx3-ubyte");
  fs::path labelsPath = findIdxFile(dir, prefix + "-labels-idx1-ubyte");
  IdxArray images = readIdx(imagesPath, 3);
  IdxArray labels = readIdx(labelsPath, 1);
  if (images.dims[0] != labels.dims[0])
    throw DataError("inconsistent counts: " + imagesPath.string() + " has " +
                    std::to_string(images.dims[0]) + " images but " +
                    labelsPath.string() + " has " +
                    std::to_string(labels.dims[0]) + " labels");

  DataSplit split;
  split.kind = InputKind::Static;
  split.size = keptCount(images.dims[0], limit);
  split.channels = 1;
  split.height = images.dims[1];
  split.width = images.dims[2];
  split.labels.resize(split.size);
  for (int64_t i = 0; i < int64_t(labels.dims[0]); ++i) {
    int64_t label = labels.data[i];
    if (label >= numClasses)
      failFile(labelsPath, "label " + std::to_string(label) + " of item " +
                               std::to_string(i) + " is out of range [0, " +
                               std::to_string(numClasses) + ")");
    if (i < split.size)
      split.labels[i] = label;
  }
  images.data.resize(split.size * images.itemBytes());
  split.samples = std::move(images.data);
  return split;
}

} // namespace

DataSet loadIdxDataSet(const std::string &name, const fs::path &dir,
                       const LoadOptions &options,
                       std::vector<std::string> classNames) {
  requireDirectory(dir);
  DataSet set;
  set.name = name;
  set.numClasses = int64_t(classNames.size());
  set.classNames = std::move(classNames);
  if (options.loadTrain)
    set.train = loadIdxSplit(dir, "train", set.numClasses, options.limitTrain);
  set.test = loadIdxSplit(dir, "t10k", set.numClasses, options.limitTest);
  if (options.loadTrain && (set.train.height != set.test.height ||
                            set.train.width != set.test.width))
    throw DataError(dir.string() + ": training images are " +
                    std::to_string(set.train.height) + "x" +
                    std::to_string(set.train.width) + " but test images are " +
                    std::to_string(set.test.height) + "x" +
                    std::to_string(set.test.width));
  return set;
}

} // namespace qsnn::data::detail
