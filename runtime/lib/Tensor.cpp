//===- Tensor.cpp - dtypes, shapes and aligned buffers --------------------===//
#include "RuntimeInternal.h"

#include <cstdlib>
#include <cstring>

using namespace qsnn::runtime;

void AlignedFree::operator()(void *p) const { std::free(p); }

AlignedBuffer qsnn::runtime::alignedAlloc(uint64_t bytes) {
  uint64_t rounded = (bytes + QSNN_WORKSPACE_ALIGNMENT - 1) /
                     QSNN_WORKSPACE_ALIGNMENT * QSNN_WORKSPACE_ALIGNMENT;
  if (rounded == 0)
    rounded = QSNN_WORKSPACE_ALIGNMENT;
  void *p = std::aligned_alloc(QSNN_WORKSPACE_ALIGNMENT, rounded);
  if (p)
    std::memset(p, 0, rounded);
  return AlignedBuffer(static_cast<uint8_t *>(p));
}

uint64_t qsnn::runtime::dtypeBytes(int32_t dtype) {
  switch (dtype) {
  case QSNN_DTYPE_UINT8:
    return 1;
  case QSNN_DTYPE_FLOAT32:
    return 4;
  case QSNN_DTYPE_INT64:
    return 8;
  }
  return 0;
}

const char *qsnn::runtime::dtypeName(int32_t dtype) {
  switch (dtype) {
  case QSNN_DTYPE_UINT8:
    return "uint8";
  case QSNN_DTYPE_FLOAT32:
    return "float32";
  case QSNN_DTYPE_INT64:
    return "int64";
  }
  return "unknown";
}

std::string qsnn::runtime::shapeString(const int64_t *shape, int32_t rank) {
  std::string text = "[";
  for (int32_t d = 0; d < rank; ++d) {
    if (d)
      text += ", ";
    text += std::to_string(shape[d]);
  }
  return text + "]";
}

uint64_t qsnn::runtime::descBytes(const qsnn_tensor_desc &desc, int64_t batch) {
  uint64_t bytes = dtypeBytes(desc.dtype);
  for (int32_t d = 0; d < desc.rank; ++d)
    bytes *= d == desc.batch_dim ? batch : desc.shape[d];
  return bytes;
}

extern "C" QSNN_EXPORT const char *qsnn_dtype_name(int32_t dtype) {
  return dtypeName(dtype);
}

extern "C" QSNN_EXPORT uint64_t qsnn_tensor_bytes(const qsnn_tensor *tensor) {
  if (!tensor || tensor->rank < 0 || tensor->rank > QSNN_MAX_RANK)
    return 0;
  uint64_t bytes = dtypeBytes(tensor->dtype);
  for (int32_t d = 0; d < tensor->rank; ++d)
    bytes *= tensor->shape[d] < 0 ? 0 : tensor->shape[d];
  return bytes;
}
