//===- Errors.cpp - thread-local error messages ---------------------------===//
#include "RuntimeInternal.h"

namespace {
thread_local std::string lastError;
} // namespace

qsnn_rt_status qsnn::runtime::fail(qsnn_rt_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

void qsnn::runtime::clearError() { lastError.clear(); }

extern "C" QSNN_EXPORT const char *qsnn_last_error(void) {
  return lastError.c_str();
}

extern "C" QSNN_EXPORT const char *qsnn_status_name(qsnn_rt_status status) {
  switch (status) {
  case QSNN_RT_OK:
    return "ok";
  case QSNN_RT_ERR_NOT_FOUND:
    return "not found";
  case QSNN_RT_ERR_INVALID_ARTIFACT:
    return "invalid artifact";
  case QSNN_RT_ERR_ABI_VERSION:
    return "ABI version mismatch";
  case QSNN_RT_ERR_UNSUPPORTED_CPU:
    return "unsupported CPU";
  case QSNN_RT_ERR_SHAPE:
    return "shape mismatch";
  case QSNN_RT_ERR_ARGUMENT:
    return "invalid argument";
  case QSNN_RT_ERR_OUT_OF_MEMORY:
    return "out of memory";
  case QSNN_RT_ERR_EXECUTION:
    return "execution failed";
  }
  return "unknown status";
}
