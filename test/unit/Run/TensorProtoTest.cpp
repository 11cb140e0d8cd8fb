//===- TensorProtoTest.cpp - the wire-format reader vs libprotobuf --------===//
#include "TensorProto.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

using namespace qsnn::run;

namespace {

TensorProtoFields parse(const std::string &bytes) {
  TensorProtoFields fields;
  EXPECT_TRUE(parseTensorProto(bytes, fields));
  return fields;
}

TEST(TensorProto, ReadsWhatProtobufWrites) {
  onnx::TensorProto proto;
  proto.set_name("pixels");
  proto.add_dims(2);
  proto.add_dims(3);
  proto.set_data_type(onnx::TensorProto::FLOAT);
  for (float v : {1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f})
    proto.add_float_data(v);
  proto.set_doc_string("skipped");
  TensorProtoFields fields = parse(proto.SerializeAsString());
  EXPECT_EQ(fields.name, "pixels");
  EXPECT_EQ(fields.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(fields.dataType, kTensorProtoFloat);
  EXPECT_EQ(fields.floatData,
            (std::vector<float>{1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f}));
  EXPECT_FALSE(fields.hasRawData);
}

TEST(TensorProto, Int64AndNegativeInt32Varints) {
  onnx::TensorProto proto;
  proto.set_data_type(onnx::TensorProto::INT64);
  for (int64_t v :
       {int64_t(0), int64_t(-1), INT64_MIN, INT64_MAX, int64_t(300)})
    proto.add_int64_data(v);
  proto.add_int32_data(-5); // ten-byte varint
  proto.add_int32_data(255);
  TensorProtoFields fields = parse(proto.SerializeAsString());
  EXPECT_EQ(fields.int64Data,
            (std::vector<int64_t>{0, -1, INT64_MIN, INT64_MAX, 300}));
  EXPECT_EQ(fields.int32Data, (std::vector<int32_t>{-5, 255}));
}

TEST(TensorProto, RawDataEvenEmpty) {
  onnx::TensorProto proto;
  // rawData views the parsed bytes, so they must outlive the fields.
  proto.set_raw_data(std::string("\x01\x00\xff", 3));
  std::string bytes = proto.SerializeAsString();
  TensorProtoFields fields = parse(bytes);
  EXPECT_TRUE(fields.hasRawData);
  EXPECT_EQ(fields.rawData, std::string_view("\x01\x00\xff", 3));
  proto.set_raw_data("");
  bytes = proto.SerializeAsString();
  fields = parse(bytes);
  EXPECT_TRUE(fields.hasRawData);
  EXPECT_TRUE(fields.rawData.empty());
}

TEST(TensorProto, UnpackedRepeatedFieldsAndLastScalarWins) {
  // dims 4 and 5 unpacked (key 0x08), data_type twice, float_data unpacked
  // (key 0x25, fixed32), an unknown fixed64 field 15 (key 0x79).
  std::string bytes = std::string("\x08\x04\x08\x05\x10\x07\x10\x01", 8) +
                      std::string("\x25\x00\x00\xc0\x3f", 5) +
                      std::string("\x79\x01\x02\x03\x04\x05\x06\x07\x08", 9);
  TensorProtoFields fields = parse(bytes);
  EXPECT_EQ(fields.dims, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(fields.dataType, kTensorProtoFloat);
  EXPECT_EQ(fields.floatData, (std::vector<float>{1.5f}));
  onnx::TensorProto proto;
  ASSERT_TRUE(proto.ParseFromString(bytes));
  EXPECT_EQ(proto.dims_size(), 2);
  EXPECT_EQ(proto.float_data(0), 1.5f);
}

TEST(TensorProto, RejectsMalformedBytes) {
  onnx::TensorProto proto;
  proto.set_name("x");
  proto.add_dims(1000);
  proto.set_raw_data(std::string(16, 'a'));
  std::string good = proto.SerializeAsString();
  TensorProtoFields fields;
  for (size_t cut = 1; cut < good.size(); ++cut) {
    onnx::TensorProto reference;
    bool protobufAccepts = reference.ParseFromString(good.substr(0, cut));
    EXPECT_EQ(parseTensorProto(good.substr(0, cut), fields), protobufAccepts)
        << "cut at " << cut;
  }
  EXPECT_FALSE(parseTensorProto(std::string("\x00\x01", 2), fields));
  EXPECT_FALSE(parseTensorProto(std::string("\x0b\x0c", 2), fields)); // group
  // Packed floats whose length is not a multiple of 4.
  EXPECT_FALSE(
      parseTensorProto(std::string("\x22\x03\x00\x00\x00", 5), fields));
  EXPECT_FALSE(parseTensorProto(std::string(11, '\xff'), fields));
}

} // namespace
