//===- ClCommandLine.h - llvm::cl parsing with qsnn's exit codes -*- C++
//-*-===//
//
// The llvm::cl tools (qsnn-compile, qsnn-opt, qsnn-translate,
// qsnn-kernel-bench) report a command-line mistake like every qsnn tool
// (UsageErrors.h): one line, "did you mean" when LLVM has a suggestion,
// exit 2 — instead of llvm::cl's several lines and exit 1.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_COMMON_CLCOMMANDLINE_H
#define QSNN_TOOLS_COMMON_CLCOMMANDLINE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace qsnn::tools {

/// The one-line message of llvm::cl's error output `errors` for `tool`.
std::string summarizeClErrors(llvm::StringRef tool, llvm::StringRef errors);

/// Parses the registered llvm::cl options; on a mistake prints one line and
/// exits 2.
void parseClCommandLine(int argc, char **argv, llvm::StringRef tool,
                        llvm::StringRef overview);

} // namespace qsnn::tools

#endif // QSNN_TOOLS_COMMON_CLCOMMANDLINE_H
