//===- HDF5TreeCodec.cpp - the HDF5 tree as bytes, and back ---------------===//
//
// Layout (little-endian; docs/spec.md §8.1):
//   "QSNNH5\0\1", then 'T' node (a tree) or 'E' u32 length + text (an error)
//   node    = u8 kind (0 group, 1 numeric, 2 string), then
//     group   : u32 members, each u16 name length + name + node
//     numeric : shape, u8 integer class (0/1), one f64 per element
//     string  : shape, per element u32 length + bytes
//   shape   = u8 rank (0..8), rank x u64 extents
//
//===----------------------------------------------------------------------===//
#include "HDF5TreeCodec.h"

#include <cstring>

using namespace mlir::qsnn::nir_import;

namespace {

constexpr char kMagic[8] = {'Q', 'S', 'N', 'N', 'H', '5', '\0', '\1'};
constexpr size_t kMaxNameBytes = 4096;
constexpr size_t kMaxErrorBytes = 4096;
constexpr int kMaxRank = 8;

void putInt(std::string &out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void putShape(std::string &out, const H5Node &node) {
  putInt(out, node.shape.size(), 1);
  for (int64_t extent : node.shape)
    putInt(out, static_cast<uint64_t>(extent), 8);
}

void putNode(std::string &out, const H5Node &node) {
  switch (node.kind) {
  case H5Node::Kind::Group:
    putInt(out, 0, 1);
    putInt(out, node.members.size(), 4);
    for (const auto &[name, member] : node.members) {
      putInt(out, name.size(), 2);
      out += name;
      putNode(out, *member);
    }
    return;
  case H5Node::Kind::Numeric:
    putInt(out, 1, 1);
    putShape(out, node);
    putInt(out, node.integerClass ? 1 : 0, 1);
    for (double value : node.numbers) {
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      putInt(out, bits, 8);
    }
    return;
  case H5Node::Kind::String:
    putInt(out, 2, 1);
    putShape(out, node);
    for (const std::string &text : node.strings) {
      putInt(out, text.size(), 4);
      out += text;
    }
    return;
  }
}

/// Reads the bytes front to back; every read is checked against what is
/// left, and every allocation charged against the reader's limits.
class Decoder {
public:
  explicit Decoder(llvm::StringRef bytes) : bytes(bytes) {}

  std::string error;

  bool fail(const std::string &what) {
    if (error.empty())
      error = "the HDF5 reader's answer is damaged at byte " +
              std::to_string(at) + " (" + what + ")";
    return false;
  }
  bool atEnd() const { return at == bytes.size(); }
  bool takeMagic() {
    if (bytes.size() < sizeof(kMagic) ||
        std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
      return fail("no header");
    at = sizeof(kMagic);
    return true;
  }
  bool takeInt(uint64_t &value, int width) {
    if (bytes.size() - at < static_cast<size_t>(width))
      return fail("it ends early");
    value = 0;
    for (int i = 0; i < width; ++i)
      value |= uint64_t(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
    at += width;
    return true;
  }
  bool takeBytes(size_t length, llvm::StringRef &text) {
    if (bytes.size() - at < length)
      return fail("it ends early");
    text = bytes.substr(at, length);
    at += length;
    return true;
  }
  bool takeNode(H5Node &node, int depth);

private:
  llvm::StringRef bytes;
  size_t at = 0;
  int64_t totalBytes = 0;

  bool charge(uint64_t amount) {
    if (amount > static_cast<uint64_t>(kMaxTotalBytes) ||
        (totalBytes += static_cast<int64_t>(amount)) > kMaxTotalBytes)
      return fail("more data than the importer reads");
    return true;
  }
  /// Elements need at least `minBytes` each: a count the rest of the bytes
  /// cannot hold is refused before anything is allocated for it.
  bool takeShape(H5Node &node, size_t minBytes);
  bool takeGroup(H5Node &node, int depth);
};

bool Decoder::takeShape(H5Node &node, size_t minBytes) {
  uint64_t rank;
  if (!takeInt(rank, 1))
    return false;
  if (rank > kMaxRank)
    return fail("rank " + std::to_string(rank));
  uint64_t elements = 1;
  for (uint64_t i = 0; i < rank; ++i) {
    uint64_t extent;
    if (!takeInt(extent, 8))
      return false;
    if (extent > static_cast<uint64_t>(kMaxDatasetElements) ||
        (elements *= extent) > static_cast<uint64_t>(kMaxDatasetElements))
      return fail("more than " + std::to_string(kMaxDatasetElements) +
                  " elements");
    node.shape.push_back(static_cast<int64_t>(extent));
  }
  if (elements > (bytes.size() - at) / minBytes)
    return fail("it ends early");
  return true;
}

bool Decoder::takeGroup(H5Node &node, int depth) {
  uint64_t count;
  if (!takeInt(count, 4))
    return false;
  if (count > static_cast<uint64_t>(kMaxGroupMembers))
    return fail("a group with " + std::to_string(count) + " members");
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t length;
    llvm::StringRef name;
    if (!takeInt(length, 2) || !takeBytes(length, name))
      return false;
    if (name.empty() || name.size() > kMaxNameBytes ||
        name.find_first_of(llvm::StringRef("/\0", 2)) != llvm::StringRef::npos)
      return fail("a member name that is empty or holds '/' or NUL");
    if (!charge(sizeof(H5Node) + name.size()))
      return false;
    auto member = std::make_unique<H5Node>();
    member->path = (node.path == "/" ? "" : node.path) + "/" + name.str();
    if (!takeNode(*member, depth + 1))
      return false;
    if (!node.members.emplace(name.str(), std::move(member)).second)
      return fail("member '" + name.str() + "' twice");
  }
  return true;
}

bool Decoder::takeNode(H5Node &node, int depth) {
  if (depth > kMaxDepth)
    return fail("groups nested deeper than " + std::to_string(kMaxDepth));
  uint64_t kind;
  if (!takeInt(kind, 1))
    return false;
  if (kind == 0) {
    node.kind = H5Node::Kind::Group;
    return takeGroup(node, depth);
  }
  if (kind == 1) {
    node.kind = H5Node::Kind::Numeric;
    uint64_t integer;
    if (!takeShape(node, 8) || !takeInt(integer, 1))
      return false;
    if (integer > 1)
      return fail("an integer flag of " + std::to_string(integer));
    node.integerClass = integer == 1;
    size_t count = static_cast<size_t>(node.numElements());
    if (!charge(count * sizeof(double)))
      return false;
    node.numbers.resize(count);
    for (double &value : node.numbers) {
      uint64_t bits;
      if (!takeInt(bits, 8))
        return false;
      std::memcpy(&value, &bits, sizeof(value));
    }
    return true;
  }
  if (kind == 2) {
    node.kind = H5Node::Kind::String;
    if (!takeShape(node, 4))
      return false;
    size_t count = static_cast<size_t>(node.numElements());
    if (!charge(count * sizeof(std::string)))
      return false;
    node.strings.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      uint64_t length;
      llvm::StringRef text;
      if (!takeInt(length, 4) || !takeBytes(length, text) ||
          !charge(text.size()))
        return false;
      node.strings.push_back(text.str());
    }
    return true;
  }
  return fail("node kind " + std::to_string(kind));
}

} // namespace

void mlir::qsnn::nir_import::encodeHDF5Tree(const H5Node &root,
                                            std::string &out) {
  out.append(kMagic, sizeof(kMagic));
  out.push_back('T');
  putNode(out, root);
}

void mlir::qsnn::nir_import::encodeHDF5Error(llvm::StringRef message,
                                             std::string &out) {
  // One line: control characters (from member names) become '?'.
  std::string text = message.take_front(kMaxErrorBytes).str();
  for (char &c : text)
    if (static_cast<unsigned char>(c) < 0x20)
      c = '?';
  out.append(kMagic, sizeof(kMagic));
  out.push_back('E');
  putInt(out, text.size(), 4);
  out += text;
}

std::unique_ptr<H5Node>
mlir::qsnn::nir_import::decodeHDF5Tree(llvm::StringRef bytes,
                                       std::string &error, bool &readerError) {
  readerError = false;
  Decoder decoder(bytes);
  uint64_t tag;
  if (!decoder.takeMagic() || !decoder.takeInt(tag, 1)) {
    error = decoder.error;
    return nullptr;
  }
  if (tag == 'E') {
    uint64_t length;
    llvm::StringRef text;
    if (decoder.takeInt(length, 4) && length <= kMaxErrorBytes &&
        decoder.takeBytes(length, text) && decoder.atEnd() && !text.empty() &&
        text.find_first_of(llvm::StringRef("\n\0", 2)) ==
            llvm::StringRef::npos) {
      error = text.str();
      readerError = true;
    } else {
      decoder.fail("an unreadable error message");
      error = decoder.error;
    }
    return nullptr;
  }
  auto root = std::make_unique<H5Node>();
  root->path = "/";
  if (tag != 'T' || !decoder.takeNode(*root, 0) || !root->isGroup() ||
      !decoder.atEnd()) {
    if (decoder.error.empty())
      decoder.fail(tag != 'T'         ? "an unknown answer"
                   : !root->isGroup() ? "the root is not a group"
                                      : "bytes after the tree");
    error = decoder.error;
    return nullptr;
  }
  return root;
}
