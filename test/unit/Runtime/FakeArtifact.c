/*===- FakeArtifact.c - a hand-written artifact for runtime tests ---------===
 *
 * Implements the artifact ABI by hand so the runtime is tested on its own:
 * input 0 is uint8 [4, 2, 3] (batch dimension 0), input 1 float32 [2, 4, 3]
 * (batch dimension 1, like event frames [T, N, ...]); output 0 is int64
 * [4, 2] with, per sample, the sum of its input-0 bytes and the truncated sum
 * of its input-1 values. Compiled batch: 4. The workspace must be >= 256
 * bytes; the model writes to all of it to catch short allocations under ASan.
 *===----------------------------------------------------------------------===*/
#include "qsnn_abi.h"

#include <string.h>

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION QSNN_ABI_VERSION
#endif
#ifndef FAKE_TRIPLE
#define FAKE_TRIPLE "x86_64-unknown-linux-gnu"
#endif

#define BATCH 4

static const qsnn_tensor_desc inputs[2] = {
    {"pixels", QSNN_DTYPE_UINT8, 3, 0, 0, {BATCH, 2, 3}},
    {"events", QSNN_DTYPE_FLOAT32, 3, 1, 0, {2, BATCH, 3}}};
static const qsnn_tensor_desc outputs[1] = {
    {"sums", QSNN_DTYPE_INT64, 2, 0, 0, {BATCH, 2}}};

static const qsnn_model_info info = {
    QSNN_ABI_MAGIC, FAKE_ABI_VERSION, "fake", "integer", FAKE_TRIPLE,
    "generic", "+sse4.1", BATCH, /*time_steps=*/2, /*num_classes=*/2,
    /*readout_frac_bits=*/0, 2, 1, 0, inputs, outputs,
    /*workspace_bytes=*/256};

__attribute__((visibility("default"))) const qsnn_model_info *
fake_info(void) {
  return &info;
}

__attribute__((visibility("default"))) int32_t
fake_run(const void *const *in, void *const *out, void *workspace,
         uint64_t workspace_bytes) {
  if (!workspace || workspace_bytes < 256 ||
      ((uintptr_t)workspace % QSNN_WORKSPACE_ALIGNMENT) != 0)
    return QSNN_ERR_WORKSPACE;
  memset(workspace, 0xab, 256);
  const unsigned char *pixels = in[0];
  const float *events = in[1];
  long long *sums = out[0];
  for (int b = 0; b < BATCH; ++b) {
    long long p = 0;
    float e = 0;
    for (int k = 0; k < 6; ++k)
      p += pixels[b * 6 + k];
    for (int t = 0; t < 2; ++t)
      for (int k = 0; k < 3; ++k)
        e += events[(t * BATCH + b) * 3 + k];
    sums[b * 2] = p;
    sums[b * 2 + 1] = (long long)e;
  }
  return QSNN_OK;
}
