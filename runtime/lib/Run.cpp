//===- Run.cpp - validate tensors and run batches of any size -------------===//
//
// The compiled code runs exactly `info->batch` samples per call. A caller's
// batch of n samples is cut into chunks of that size; whole chunks of tensors
// whose batch dimension is outermost are passed in place, everything else is
// gathered into staging buffers (the last chunk zero-padded) and the valid
// output rows are scattered back.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <cstring>

using namespace qsnn::runtime;

namespace {

qsnn_rt_status describe(const qsnn_model *model, bool input, int32_t index,
                        int64_t batch, qsnn_tensor *tensor) {
  if (!model || !tensor)
    return fail(QSNN_RT_ERR_ARGUMENT, "null model or tensor");
  const qsnn_model_info &info = *model->info;
  int32_t count = input ? info.num_inputs : info.num_outputs;
  if (index < 0 || index >= count)
    return fail(QSNN_RT_ERR_ARGUMENT,
                std::string("the model has ") + std::to_string(count) +
                    (input ? " input(s)" : " output(s)") + ", no index " +
                    std::to_string(index));
  const qsnn_tensor_desc &desc = (input ? info.inputs : info.outputs)[index];
  tensor->data = nullptr;
  tensor->dtype = desc.dtype;
  tensor->rank = desc.rank;
  for (int32_t d = 0; d < desc.rank; ++d)
    tensor->shape[d] = d == desc.batch_dim ? batch : desc.shape[d];
  return QSNN_RT_OK;
}

std::string label(const char *kind, int32_t index,
                  const qsnn_tensor_desc &desc) {
  return std::string(kind) + " " + std::to_string(index) + " ('" +
         (desc.name ? desc.name : "") + "')";
}

/// The model's shape with the batch dimension written as N.
std::string expectedShape(const qsnn_tensor_desc &desc) {
  std::string text = "[";
  for (int32_t d = 0; d < desc.rank; ++d) {
    if (d)
      text += ", ";
    text += d == desc.batch_dim ? "N" : std::to_string(desc.shape[d]);
  }
  return text + "]";
}

qsnn_rt_status checkTensor(const char *kind, int32_t index,
                           const qsnn_tensor_desc &desc,
                           const qsnn_tensor &tensor, int64_t &batch) {
  std::string what = label(kind, index, desc);
  if (!tensor.data)
    return fail(QSNN_RT_ERR_ARGUMENT, what + " has no data");
  if (tensor.dtype != desc.dtype)
    return fail(QSNN_RT_ERR_SHAPE, what + " must be " + dtypeName(desc.dtype) +
                                       ", got " + dtypeName(tensor.dtype));
  bool same = tensor.rank == desc.rank;
  for (int32_t d = 0; same && d < desc.rank; ++d) {
    if (d != desc.batch_dim) {
      same = tensor.shape[d] == desc.shape[d];
    } else if (batch < 0) {
      batch = tensor.shape[d];
      same = batch >= 1;
    } else {
      same = tensor.shape[d] == batch;
    }
  }
  if (!same) {
    std::string shape = tensor.rank >= 0 && tensor.rank <= QSNN_MAX_RANK
                            ? shapeString(tensor.shape, tensor.rank)
                            : "of rank " + std::to_string(tensor.rank);
    std::string rule =
        desc.batch_dim >= 0 ? " (N >= 1, the same for every tensor)" : "";
    return fail(QSNN_RT_ERR_SHAPE, what + " has shape " + shape +
                                       "; the model expects " +
                                       expectedShape(desc) + rule);
  }
  return QSNN_RT_OK;
}

/// Bytes of one sample's slice below the batch dimension, and how many such
/// slices lie above it (1 when the batch dimension is outermost).
struct BatchLayout {
  uint64_t outer = 1, inner = 1;
};

BatchLayout layoutOf(const qsnn_tensor_desc &desc) {
  BatchLayout layout;
  layout.inner = dtypeBytes(desc.dtype);
  for (int32_t d = 0; d < desc.rank; ++d) {
    if (d < desc.batch_dim)
      layout.outer *= desc.shape[d];
    else if (d > desc.batch_dim)
      layout.inner *= desc.shape[d];
  }
  return layout;
}

/// Copies samples [start, start + count) of a batch of n into a staging
/// buffer of `chunk` samples, zero-filling the rest; or the reverse.
void gather(const uint8_t *src, uint8_t *dst, BatchLayout l, int64_t n,
            int64_t start, int64_t count, int64_t chunk) {
  for (uint64_t o = 0; o < l.outer; ++o) {
    uint8_t *to = dst + o * chunk * l.inner;
    std::memcpy(to, src + (o * n + start) * l.inner, count * l.inner);
    std::memset(to + count * l.inner, 0, (chunk - count) * l.inner);
  }
}

void scatter(const uint8_t *src, uint8_t *dst, BatchLayout l, int64_t n,
             int64_t start, int64_t count, int64_t chunk) {
  for (uint64_t o = 0; o < l.outer; ++o)
    std::memcpy(dst + (o * n + start) * l.inner, src + o * chunk * l.inner,
                count * l.inner);
}

qsnn_rt_status invoke(qsnn_model *model, const void *const *in,
                      void *const *out) {
  int32_t status =
      model->run(in, out, model->workspace.get(), model->workspaceBytes);
  if (status != QSNN_OK)
    return fail(QSNN_RT_ERR_EXECUTION,
                "the compiled model returned status " + std::to_string(status) +
                    (status == QSNN_ERR_WORKSPACE
                         ? " (workspace too small or misaligned)"
                         : ""));
  return QSNN_RT_OK;
}

} // namespace

extern "C" QSNN_EXPORT qsnn_rt_status
qsnn_model_input_desc(const qsnn_model *model, int32_t index, int64_t batch,
                      qsnn_tensor *tensor) {
  return describe(model, /*input=*/true, index, batch, tensor);
}

extern "C" QSNN_EXPORT qsnn_rt_status
qsnn_model_output_desc(const qsnn_model *model, int32_t index, int64_t batch,
                       qsnn_tensor *tensor) {
  return describe(model, /*input=*/false, index, batch, tensor);
}

extern "C" QSNN_EXPORT qsnn_rt_status qsnn_model_run(qsnn_model *model,
                                                     const qsnn_tensor *inputs,
                                                     int32_t num_inputs,
                                                     const qsnn_tensor *outputs,
                                                     int32_t num_outputs) {
  clearError();
  if (!model || (num_inputs && !inputs) || (num_outputs && !outputs))
    return fail(QSNN_RT_ERR_ARGUMENT, "qsnn_model_run: null argument");
  const qsnn_model_info &info = *model->info;
  if (num_inputs != info.num_inputs || num_outputs != info.num_outputs)
    return fail(QSNN_RT_ERR_SHAPE,
                "the model takes " + std::to_string(info.num_inputs) +
                    " input(s) and " + std::to_string(info.num_outputs) +
                    " output(s), got " + std::to_string(num_inputs) + " and " +
                    std::to_string(num_outputs));
  int64_t n = -1;
  for (int32_t i = 0; i < num_inputs; ++i)
    if (qsnn_rt_status s =
            checkTensor("input", i, info.inputs[i], inputs[i], n))
      return s;
  for (int32_t i = 0; i < num_outputs; ++i)
    if (qsnn_rt_status s =
            checkTensor("output", i, info.outputs[i], outputs[i], n))
      return s;

  std::vector<const void *> in(num_inputs);
  std::vector<void *> out(num_outputs);
  if (n <
      0) { // No tensor has a batch dimension: one call on the caller's data.
    for (int32_t i = 0; i < num_inputs; ++i)
      in[i] = inputs[i].data;
    for (int32_t i = 0; i < num_outputs; ++i)
      out[i] = outputs[i].data;
    return invoke(model, in.data(), out.data());
  }

  const int64_t chunk = info.batch;
  for (int64_t start = 0; start < n; start += chunk) {
    int64_t count = std::min(chunk, n - start);
    for (int32_t i = 0; i < num_inputs; ++i) {
      const qsnn_tensor_desc &desc = info.inputs[i];
      auto *data = static_cast<const uint8_t *>(inputs[i].data);
      if (desc.batch_dim < 0) {
        in[i] = data;
        continue;
      }
      BatchLayout l = layoutOf(desc);
      if (l.outer == 1 && count == chunk) {
        in[i] = data + start * l.inner;
        continue;
      }
      gather(data, model->inputStaging[i].get(), l, n, start, count, chunk);
      in[i] = model->inputStaging[i].get();
    }
    for (int32_t i = 0; i < num_outputs; ++i) {
      const qsnn_tensor_desc &desc = info.outputs[i];
      BatchLayout l = layoutOf(desc);
      bool direct = desc.batch_dim < 0 || (l.outer == 1 && count == chunk);
      out[i] = direct ? static_cast<uint8_t *>(outputs[i].data) +
                            (desc.batch_dim < 0 ? 0 : start * l.inner)
                      : model->outputStaging[i].get();
    }
    if (qsnn_rt_status s = invoke(model, in.data(), out.data()))
      return s;
    for (int32_t i = 0; i < num_outputs; ++i) {
      const qsnn_tensor_desc &desc = info.outputs[i];
      if (out[i] == model->outputStaging[i].get())
        scatter(model->outputStaging[i].get(),
                static_cast<uint8_t *>(outputs[i].data), layoutOf(desc), n,
                start, count, chunk);
    }
  }
  return QSNN_RT_OK;
}
