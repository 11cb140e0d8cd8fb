//===- UsageErrorCode.h - exit status of a command-line mistake -*- C++ -*-===//
#ifndef QSNN_TOOLS_COMMON_USAGEERRORCODE_H
#define QSNN_TOOLS_COMMON_USAGEERRORCODE_H

namespace qsnn::tools {

/// Every qsnn tool exits 2 on a command-line mistake, 1 on a failure and 0
/// on success (docs/README.md#exit-codes).
constexpr int kUsageError = 2;

} // namespace qsnn::tools

#endif // QSNN_TOOLS_COMMON_USAGEERRORCODE_H
