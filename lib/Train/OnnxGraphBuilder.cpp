//===- OnnxGraphBuilder.cpp - Small helpers to emit ONNX graphs -----------===//

#include "qsnn/Train/OnnxGraphBuilder.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace qsnn::train {

onnx::TensorProto toTensorProto(const at::Tensor &tensor,
                                const std::string &name) {
  at::Tensor t = tensor.detach().contiguous().cpu();
  onnx::TensorProto proto;
  proto.set_name(name);
  for (int64_t d : t.sizes())
    proto.add_dims(d);
  const auto bytes = static_cast<size_t>(t.numel()) * t.element_size();
  switch (t.scalar_type()) {
  case at::kFloat:
    proto.set_data_type(onnx::TensorProto::FLOAT);
    break;
  case at::kByte:
    proto.set_data_type(onnx::TensorProto::UINT8);
    break;
  case at::kLong:
    proto.set_data_type(onnx::TensorProto::INT64);
    break;
  default:
    throw std::invalid_argument("cannot store tensor '" + name +
                                "' of this dtype in ONNX");
  }
  // raw_data is little-endian, as is every host LibTorch runs on here.
  proto.set_raw_data(t.data_ptr(), bytes);
  return proto;
}

std::string OnnxGraphBuilder::uniqueName(const std::string &hint) {
  int &count = used_[hint];
  std::string name = count == 0 ? hint : hint + "_" + std::to_string(count);
  ++count;
  return name;
}

std::string OnnxGraphBuilder::initializer(const std::string &hint,
                                          const at::Tensor &tensor) {
  std::string name = uniqueName(hint);
  *graph_.add_initializer() = toTensorProto(tensor, name);
  return name;
}

std::string
OnnxGraphBuilder::int64Initializer(const std::string &hint,
                                   const std::vector<int64_t> &values) {
  return initializer(hint, at::tensor(values, at::kLong));
}

onnx::NodeProto &OnnxGraphBuilder::node(const std::string &opType,
                                        const std::vector<std::string> &inputs,
                                        const std::string &outputHint,
                                        const std::string &domain) {
  onnx::NodeProto &node = *graph_.add_node();
  node.set_op_type(opType);
  node.set_name(uniqueName(opType));
  if (!domain.empty())
    node.set_domain(domain);
  for (const std::string &input : inputs)
    node.add_input(input);
  node.add_output(uniqueName(outputHint));
  return node;
}

void setTensorType(onnx::ValueInfoProto &info, int32_t elemType,
                   const std::vector<int64_t> &dims,
                   const std::string &symbol) {
  auto *tensorType = info.mutable_type()->mutable_tensor_type();
  tensorType->set_elem_type(elemType);
  auto *shape = tensorType->mutable_shape();
  shape->clear_dim();
  for (int64_t d : dims) {
    auto *dim = shape->add_dim();
    if (d < 0)
      dim->set_dim_param(symbol);
    else
      dim->set_dim_value(d);
  }
}

void OnnxGraphBuilder::floatValueInfo(const std::string &name,
                                      const std::vector<int64_t> &dims,
                                      const std::string &symbol) {
  onnx::ValueInfoProto &info = *graph_.add_value_info();
  info.set_name(name);
  setTensorType(info, onnx::TensorProto::FLOAT, dims, symbol);
}

void setAttribute(onnx::NodeProto &node, const std::string &name,
                  int64_t value) {
  auto *attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

void setAttribute(onnx::NodeProto &node, const std::string &name,
                  double value) {
  auto *attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::FLOAT);
  attr->set_f(static_cast<float>(value));
}

void setAttribute(onnx::NodeProto &node, const std::string &name,
                  const std::string &value) {
  auto *attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s(value);
}

void setAttribute(onnx::NodeProto &node, const std::string &name,
                  const std::vector<int64_t> &values) {
  auto *attr = node.add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    attr->add_ints(v);
}

} // namespace qsnn::train
