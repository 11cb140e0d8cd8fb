//===- TensorProto.cpp - ONNX TensorProto wire format, no libprotobuf -----===//
//
// The protobuf wire format: each field is a varint key (field number << 3 |
// wire type) followed by a varint (type 0), 8 bytes (1), a varint length
// and that many bytes (2) or 4 bytes (5). Little-endian fixed-width values.
//
//===----------------------------------------------------------------------===//
#include "TensorProto.h"

#include <cstring>

using namespace qsnn::run;

namespace {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5
};

class Reader {
public:
  explicit Reader(std::string_view bytes) : rest(bytes) {}

  bool done() const { return rest.empty(); }

  bool varint(uint64_t &value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest.empty())
        return false;
      auto byte = static_cast<uint8_t>(rest.front());
      rest.remove_prefix(1);
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false; // more than 10 bytes
  }

  bool fixed(size_t width, uint64_t &value) {
    if (rest.size() < width)
      return false;
    value = 0;
    for (size_t i = 0; i < width; ++i)
      value |= uint64_t(static_cast<uint8_t>(rest[i])) << (8 * i);
    rest.remove_prefix(width);
    return true;
  }

  bool lengthDelimited(std::string_view &payload) {
    uint64_t length;
    if (!varint(length) || length > rest.size())
      return false;
    payload = rest.substr(0, length);
    rest.remove_prefix(length);
    return true;
  }

  /// Skips one value of `type` (an unknown or mistyped field).
  bool skip(uint32_t type) {
    uint64_t ignored;
    std::string_view payload;
    switch (type) {
    case kVarint:
      return varint(ignored);
    case kFixed64:
      return fixed(8, ignored);
    case kLengthDelimited:
      return lengthDelimited(payload);
    case kFixed32:
      return fixed(4, ignored);
    default:
      return false; // groups (3, 4) and reserved types
    }
  }

private:
  std::string_view rest;
};

/// A repeated varint field: one value (type 0) or a packed run (type 2).
template <typename T>
bool readVarints(Reader &reader, uint32_t type, std::vector<T> &out) {
  uint64_t value;
  if (type == kVarint) {
    if (!reader.varint(value))
      return false;
    out.push_back(static_cast<T>(value));
    return true;
  }
  std::string_view payload;
  if (!reader.lengthDelimited(payload))
    return false;
  Reader packed(payload);
  while (!packed.done()) {
    if (!packed.varint(value))
      return false;
    out.push_back(static_cast<T>(value));
  }
  return true;
}

/// A repeated float field: one value (type 5) or a packed run (type 2).
bool readFloats(Reader &reader, uint32_t type, std::vector<float> &out) {
  auto append = [&](uint64_t bits) {
    auto word = static_cast<uint32_t>(bits);
    float value;
    std::memcpy(&value, &word, sizeof value);
    out.push_back(value);
  };
  uint64_t bits = 0;
  if (type == kFixed32) {
    if (!reader.fixed(4, bits))
      return false;
    append(bits);
    return true;
  }
  std::string_view payload;
  if (!reader.lengthDelimited(payload) || payload.size() % 4 != 0)
    return false;
  Reader packed(payload);
  while (!packed.done()) {
    if (!packed.fixed(4, bits)) // cannot fail: the length is a multiple of 4
      return false;
    append(bits);
  }
  return true;
}

} // namespace

bool qsnn::run::parseTensorProto(std::string_view bytes,
                                 TensorProtoFields &fields) {
  fields = TensorProtoFields();
  Reader reader(bytes);
  while (!reader.done()) {
    uint64_t key;
    if (!reader.varint(key) || key >> 3 == 0 || key >> 3 > 0x1fffffff)
      return false;
    uint64_t number = key >> 3;
    auto type = static_cast<uint32_t>(key & 7);
    bool repeatedType = type == kLengthDelimited;
    bool ok;
    uint64_t value;
    std::string_view payload;
    if (number == 1 && (type == kVarint || repeatedType))
      ok = readVarints(reader, type, fields.dims);
    else if (number == 2 && type == kVarint) {
      ok = reader.varint(value);
      fields.dataType = static_cast<int32_t>(value);
    } else if (number == 4 && (type == kFixed32 || repeatedType))
      ok = readFloats(reader, type, fields.floatData);
    else if (number == 5 && (type == kVarint || repeatedType))
      ok = readVarints(reader, type, fields.int32Data);
    else if (number == 7 && (type == kVarint || repeatedType))
      ok = readVarints(reader, type, fields.int64Data);
    else if (number == 8 && type == kLengthDelimited) {
      ok = reader.lengthDelimited(payload);
      fields.name.assign(payload.data(), payload.size());
    } else if (number == 9 && type == kLengthDelimited) {
      ok = reader.lengthDelimited(fields.rawData);
      fields.hasRawData = true;
    } else
      ok = reader.skip(type);
    if (!ok)
      return false;
  }
  return true;
}
