/*===- qsnn_abi.h - the C ABI of a compiled qsnn artifact ----------*- C -*-===
 *
 * A compiled model (model.so / model.o from `qsnn-compile`) exports, for its
 * symbol prefix NAME:
 *
 *   const qsnn_model_info *NAME_info(void);
 *   int32_t NAME_run(const void *const *inputs, void *const *outputs,
 *                    void *workspace, uint64_t workspace_bytes);
 *
 * NAME_run computes one batch of exactly `info->batch` samples. It never
 * allocates: all intermediate buffers live in the caller's workspace of at
 * least `info->workspace_bytes` bytes, aligned to QSNN_WORKSPACE_ALIGNMENT.
 * Inputs and outputs are dense row-major buffers of the shapes and dtypes in
 * `info->inputs` / `info->outputs`. It returns QSNN_OK, or
 * QSNN_ERR_WORKSPACE when the workspace is too small or misaligned.
 *
 * Integer artifacts return the readout's integer logits z (int64); float
 * logits are z / (time_steps * 2^readout_frac_bits). Float artifacts return
 * float logits (f32).
 *
 * This header is plain C with no dependencies; model.h embeds it.
 *===----------------------------------------------------------------------===*/
#ifndef QSNN_ABI_H
#define QSNN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever qsnn_model_info or the run signature changes. */
#define QSNN_ABI_VERSION 1u
#define QSNN_ABI_MAGIC 0x4e4e5351u /* "QSNN" little-endian */
#define QSNN_WORKSPACE_ALIGNMENT 64u
#define QSNN_MAX_RANK 8

typedef enum qsnn_dtype {
  QSNN_DTYPE_UINT8 = 1,
  QSNN_DTYPE_FLOAT32 = 2,
  QSNN_DTYPE_INT64 = 3
} qsnn_dtype;

typedef enum qsnn_status {
  QSNN_OK = 0,
  QSNN_ERR_WORKSPACE = 1
} qsnn_status;

typedef struct qsnn_tensor_desc {
  const char *name; /* the ONNX graph input/output name */
  int32_t dtype;    /* qsnn_dtype */
  int32_t rank;
  /* The dimension that indexes samples (its extent in `shape` is the
   * artifact's batch), or -1 when the tensor has no batch dimension: a model
   * whose ONNX inputs had only static dimensions runs on exactly those shapes.
   * The importer marks the batch dimension where the ONNX input had a
   * symbolic (dim_param) or unknown dimension; outputs take it from the graph.
   * Static images [N, C, H, W] have batch_dim 0, event frames [T, N, ...]
   * batch_dim 1, logits [N, K] batch_dim 0. */
  int32_t batch_dim;
  int32_t reserved;
  int64_t shape[QSNN_MAX_RANK];
} qsnn_tensor_desc;

typedef struct qsnn_model_info {
  uint32_t magic;       /* QSNN_ABI_MAGIC */
  uint32_t abi_version; /* QSNN_ABI_VERSION */
  const char *name;     /* symbol prefix */
  const char *numerics; /* "float" or "integer" */
  const char *target_triple;
  const char *target_cpu;      /* e.g. "x86-64-v3" */
  const char *target_features; /* e.g. "+avx2,+popcnt"; checked at load */
  int64_t batch;               /* samples per NAME_run call */
  int64_t time_steps;
  int64_t num_classes;
  int32_t readout_frac_bits; /* F of the readout; 0 for float numerics */
  int32_t num_inputs;
  int32_t num_outputs;
  int32_t reserved;
  const qsnn_tensor_desc *inputs;
  const qsnn_tensor_desc *outputs;
  uint64_t workspace_bytes;
} qsnn_model_info;

typedef const qsnn_model_info *(*qsnn_info_fn)(void);
typedef int32_t (*qsnn_run_fn)(const void *const *inputs,
                               void *const *outputs, void *workspace,
                               uint64_t workspace_bytes);

#ifdef __cplusplus
}
#endif

#endif /* QSNN_ABI_H */
