/*===- qsnn_runtime.h - run compiled qsnn artifacts -----------------*- C -*-===
 *
 * libqsnn_runtime opens an artifact folder written by `qsnn-compile`
 * (model.so + model.json), checks that it is a qsnn artifact of this ABI
 * version built for a CPU this machine can run, owns its workspace, and runs
 * batches of any size: it validates every tensor's dtype and shape, splits
 * the batch into the artifact's compiled batch and pads the last chunk.
 *
 * Every function returns QSNN_RT_OK or an error code; qsnn_last_error()
 * then describes the problem in one line. A qsnn_model is not thread-safe:
 * use one per thread. No dependency on LLVM or LibTorch.
 *===----------------------------------------------------------------------===*/
#ifndef QSNN_RUNTIME_H
#define QSNN_RUNTIME_H

#include "qsnn_abi.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qsnn_rt_status {
  QSNN_RT_OK = 0,
  QSNN_RT_ERR_NOT_FOUND = 1,        /* artifact folder or one of its files */
  QSNN_RT_ERR_INVALID_ARTIFACT = 2, /* truncated, foreign or inconsistent */
  QSNN_RT_ERR_ABI_VERSION = 3,      /* built for another runtime ABI */
  QSNN_RT_ERR_UNSUPPORTED_CPU = 4,  /* needs instructions this CPU lacks */
  QSNN_RT_ERR_SHAPE = 5,            /* wrong count, dtype, rank or shape */
  QSNN_RT_ERR_ARGUMENT = 6,         /* null pointer or bad index */
  QSNN_RT_ERR_OUT_OF_MEMORY = 7,
  QSNN_RT_ERR_EXECUTION = 8 /* the compiled code reported an error */
} qsnn_rt_status;

/* A caller's tensor: dense row-major data of `dtype` and `shape`. */
typedef struct qsnn_tensor {
  void *data;
  int32_t dtype; /* qsnn_dtype */
  int32_t rank;
  int64_t shape[QSNN_MAX_RANK];
} qsnn_tensor;

typedef struct qsnn_model qsnn_model;

/* The last error of the calling thread, or "" if there was none. */
const char *qsnn_last_error(void);
const char *qsnn_status_name(qsnn_rt_status status);

/* Opens the artifact in folder `path` and allocates its workspace. */
qsnn_rt_status qsnn_model_open(const char *path, qsnn_model **model);
void qsnn_model_close(qsnn_model *model);

/* The artifact's own description (shapes at its compiled batch). */
const qsnn_model_info *qsnn_model_get_info(const qsnn_model *model);

/* Bytes of the workspace the runtime allocated for the artifact. */
uint64_t qsnn_model_workspace_bytes(const qsnn_model *model);

/* Fills `tensor` (all but data) with the shape input/output `index` has for
 * `batch` samples. */
qsnn_rt_status qsnn_model_input_desc(const qsnn_model *model, int32_t index,
                                     int64_t batch, qsnn_tensor *tensor);
qsnn_rt_status qsnn_model_output_desc(const qsnn_model *model, int32_t index,
                                      int64_t batch, qsnn_tensor *tensor);

/* Bytes of data a tensor of this dtype and shape holds. */
uint64_t qsnn_tensor_bytes(const qsnn_tensor *tensor);

/* "uint8", "float32", "int64", or "unknown" for another value. */
const char *qsnn_dtype_name(int32_t dtype);

/* Runs every input through the model. All tensors must match the artifact's
 * descriptions except in the batch dimension, which may be any size >= 1
 * (the same for all of them); outputs must be allocated by the caller. */
qsnn_rt_status qsnn_model_run(qsnn_model *model, const qsnn_tensor *inputs,
                              int32_t num_inputs, const qsnn_tensor *outputs,
                              int32_t num_outputs);

/* Whether this CPU can execute code built with `features` (LLVM's
 * "+avx2,+popcnt,..." form) for `triple`; on false, qsnn_last_error() names
 * the first missing feature. */
int qsnn_cpu_supports(const char *triple, const char *features);

#ifdef __cplusplus
}
#endif

#endif /* QSNN_RUNTIME_H */
