//===- ClCommandLine.cpp - llvm::cl parsing with qsnn's exit codes --------===//
#include "ClCommandLine.h"
#include "UsageErrorCode.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace {

/// The registered option closest to `name`, when it is a likely typo.
std::string nearestOption(llvm::StringRef name) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, name.size() / 3) + 1;
  for (const auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.getValue();
    if (option->getOptionHiddenFlag() != llvm::cl::NotHidden)
      continue;
    unsigned d = name.edit_distance(entry.getKey(), true, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = entry.getKey().str();
    }
  }
  return best;
}

/// The first argument that names no registered option, or "". llvm::cl
/// would read some of them as `-h` (help) followed by text and print the
/// help instead of an error.
std::string findUnknownOption(int argc, char **argv) {
  const auto &options = llvm::cl::getRegisteredOptions();
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "--")
      break;
    double number;
    if (!arg.starts_with("-") || arg == "-" || !arg.getAsDouble(number))
      continue; // not an option (a negative number is a value)
    llvm::StringRef name = arg.ltrim('-').split('=').first;
    if (!options.count(name))
      return arg.split('=').first.str();
  }
  return "";
}

/// Runs `parse` with stderr captured (llvm::cl prints value errors there
/// directly) and returns the captured text.
template <typename Parse> std::string captureStderr(Parse parse) {
  std::fflush(stderr);
  llvm::errs().flush();
  FILE *capture = std::tmpfile();
  int saved = dup(fileno(stderr));
  if (!capture || saved < 0) {
    parse();
    return "";
  }
  dup2(fileno(capture), fileno(stderr));
  parse();
  llvm::errs().flush();
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::string text;
  std::rewind(capture);
  char chunk[512];
  for (size_t n; (n = std::fread(chunk, 1, sizeof(chunk), capture)) > 0;)
    text.append(chunk, n);
  std::fclose(capture);
  return text;
}

[[noreturn]] void exitWithUsageError(const std::string &line) {
  llvm::errs() << line << "\n";
  std::exit(qsnn::tools::kUsageError);
}

} // namespace

std::string qsnn::tools::summarizeClErrors(llvm::StringRef tool,
                                           llvm::StringRef errors) {
  llvm::SmallVector<llvm::StringRef> lines;
  errors.split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::string message, hint;
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.consume_front(tool))
      line = line.ltrim(": ");
    // llvm::cl appends "Try: '<path> --help'" and "See: ..." pointers.
    line = line.split("  Try:").first.split(": See:").first.trim();
    if (line.starts_with("Did you mean")) {
      if (hint.empty())
        hint = ("; did you mean" + line.drop_front(12)).str();
      continue;
    }
    if (message.empty() && !line.empty())
      message = line.rtrim('!').rtrim('.').str();
  }
  if (message.empty())
    message = "invalid command line";
  message[0] = static_cast<char>(std::tolower(message[0]));
  return (tool + ": error: " + message + hint + " (see " + tool + " --help)")
      .str();
}

void qsnn::tools::parseClCommandLine(int argc, char **argv,
                                     llvm::StringRef tool,
                                     llvm::StringRef overview) {
  if (std::string unknown = findUnknownOption(argc, argv); !unknown.empty()) {
    std::string near = nearestOption(llvm::StringRef(unknown).ltrim('-'));
    exitWithUsageError(
        (tool + ": error: unknown option '" + unknown + "'" +
         (near.empty() ? "" : "; did you mean '--" + near + "'?") + " (see " +
         tool + " --help)")
            .str());
  }
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  bool parsed = false;
  std::string printed = captureStderr([&] {
    parsed =
        llvm::cl::ParseCommandLineOptions(argc, argv, overview, &errorStream);
  });
  if (parsed) {
    llvm::errs() << printed; // warnings, if any
    return;
  }
  exitWithUsageError(summarizeClErrors(tool, printed + errorStream.str()));
}
