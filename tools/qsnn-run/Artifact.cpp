//===- Artifact.cpp - an opened artifact for qsnn-run ---------------------===//
#include "Artifact.h"

using namespace qsnn::run;

Artifact::~Artifact() { qsnn_model_close(model); }

bool Artifact::open(const std::string &dir, std::string &error) {
  if (qsnn_model_open(dir.c_str(), &model) != QSNN_RT_OK) {
    error = qsnn_last_error();
    return false;
  }
  return true;
}

bool Artifact::run(const std::vector<const HostTensor *> &inputs, int64_t batch,
                   std::vector<HostTensor> &outputs, std::string &error) {
  std::vector<qsnn_tensor> in;
  for (const HostTensor *host : inputs) {
    qsnn_tensor t{};
    t.data = const_cast<uint8_t *>(host->bytes.data());
    t.dtype = host->dtype;
    t.rank = static_cast<int32_t>(host->shape.size());
    if (t.rank > QSNN_MAX_RANK) {
      error = "input '" + host->name + "' has rank " + std::to_string(t.rank) +
              ", more than qsnn supports";
      return false;
    }
    for (int32_t d = 0; d < t.rank; ++d)
      t.shape[d] = host->shape[d];
    in.push_back(t);
  }
  const qsnn_model_info &i = info();
  outputs.resize(i.num_outputs);
  std::vector<qsnn_tensor> out(i.num_outputs);
  for (int32_t k = 0; k < i.num_outputs; ++k) {
    qsnn_model_output_desc(model, k, batch, &out[k]);
    HostTensor &host = outputs[k];
    host.name = i.outputs[k].name ? i.outputs[k].name : "";
    host.dtype = out[k].dtype;
    host.shape.assign(out[k].shape, out[k].shape + out[k].rank);
    host.bytes.resize(qsnn_tensor_bytes(&out[k]));
    out[k].data = host.bytes.data();
  }
  if (qsnn_model_run(model, in.data(), static_cast<int32_t>(in.size()),
                     out.data(), i.num_outputs) != QSNN_RT_OK) {
    error = qsnn_last_error();
    return false;
  }
  return true;
}

std::string qsnn::run::shapeString(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    text += (d ? ", " : "") + std::to_string(shape[d]);
  return text + "]";
}
