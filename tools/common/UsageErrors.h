//===- UsageErrors.h - one convention for command-line mistakes --*- C++
//-*-===//
//
// Every qsnn tool reports a usage error (unknown option, bad value, missing
// or extra argument) as one line on stderr,
//   TOOL: error: MESSAGE[; did you mean '--NAME'?] (see TOOL --help)
// and exits 2; --help prints the help and exits 0; failures exit 1
// (docs/spec.md §7.7, docs/README.md#exit-codes). This header serves the
// CLI11 tools (qsnn-train, qsnn-run, qsnn-bench); ClCommandLine.h the
// llvm::cl ones. Header-only and free of LLVM: qsnn-run links no LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_COMMON_USAGEERRORS_H
#define QSNN_TOOLS_COMMON_USAGEERRORS_H

#include "UsageErrorCode.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace qsnn::tools {

/// Levenshtein distance of two short strings.
inline size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The long option of `app` (or of a subcommand it parsed) closest to
/// `word`, when it is close enough to be a likely typo; "" otherwise.
inline std::string closestOption(const CLI::App &app, const std::string &word) {
  std::string stem = word.substr(0, word.find('='));
  std::string best;
  size_t bestDistance = std::max<size_t>(2, stem.size() / 3) + 1;
  auto consider = [&](const CLI::App &scope) {
    for (const CLI::Option *option : scope.get_options())
      for (const std::string &name : option->get_lnames()) {
        size_t d = editDistance(stem, "--" + name);
        if (d < bestDistance) {
          bestDistance = d;
          best = "--" + name;
        }
      }
  };
  consider(app);
  for (const CLI::App *sub : app.get_subcommands({}))
    consider(*sub);
  return best;
}

/// A number option that must be finite and in [lo, hi] (or (lo, hi] when
/// `openLow`): the message says so in plain words.
inline CLI::Validator finiteIn(double lo, double hi, bool openLow = false) {
  auto describe = [=] {
    return (openLow ? "(" : "[") + CLI::detail::to_string(lo) + ", " +
           CLI::detail::to_string(hi) + "]";
  };
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        double value = 0;
        size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception &) {
          used = 0;
        }
        if (used != text.size() || !std::isfinite(value) ||
            (openLow ? value <= lo : value < lo) || value > hi)
          return "must be a finite number in " + describe() + ", got " + text;
        return "";
      },
      "FLOAT in " + describe());
}

/// An integer option in [lo, hi]; `except` (if not lo - 1) is also allowed,
/// for sentinels such as -1 for "all".
inline CLI::Validator integerIn(long long lo, long long hi,
                                std::optional<long long> except = {}) {
  std::string range =
      (hi == std::numeric_limits<long long>::max()
           ? ">= " + std::to_string(lo)
           : "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]") +
      (except ? " or " + std::to_string(*except) : "");
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        long long value = 0;
        size_t used = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception &) {
          used = 0;
        }
        if (used != text.size() ||
            ((value < lo || value > hi) && (!except || value != *except)))
          return "must be an integer " +
                 std::string(range[0] == '[' ? "in " : "") + range + ", got " +
                 text;
        return "";
      },
      "INT in " + range);
}

/// Every option name of `app` and its subcommands, with its dashes.
inline void collectOptionNames(const CLI::App &app,
                               std::vector<std::string> &names) {
  for (const CLI::Option *option : app.get_options()) {
    for (const std::string &name : option->get_lnames())
      names.push_back("--" + name);
    for (const std::string &name : option->get_snames())
      names.push_back("-" + name);
  }
  for (const CLI::App *sub : app.get_subcommands({}))
    collectOptionNames(*sub, names);
}

/// The first argument that looks like an option but names none, or "".
/// Checked before parsing so that a typo is reported as such, not as the
/// required argument it displaced.
inline std::string findUnknownOption(const CLI::App &app, int argc,
                                     char **argv) {
  std::vector<std::string> names;
  collectOptionNames(app, names);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--")
      break;
    if (arg.size() < 2 || arg[0] != '-' ||
        std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.')
      continue; // not an option (a negative number is a value)
    std::string name = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), name) == names.end())
      return name;
  }
  return "";
}

/// The first word of `message` that looks like an option ("--frob").
inline std::string firstOptionWord(const std::string &message) {
  size_t at = message.find(" -");
  if (at == std::string::npos)
    return "";
  size_t end = message.find_first_of(" ,", at + 1);
  return message.substr(at + 1, end == std::string::npos ? std::string::npos
                                                         : end - at - 1);
}

/// Parses `argv` into `app`. Returns -1 when the command line is valid and
/// the tool should run, 0 after printing --help, and kUsageError after
/// printing the one-line message of a mistake.
inline int parseCommandLine(CLI::App &app, int argc, char **argv,
                            const char *tool) {
  if (std::string unknown = findUnknownOption(app, argc, argv);
      !unknown.empty()) {
    std::string near = closestOption(app, unknown);
    std::fprintf(stderr, "%s: error: unknown option '%s'%s (see %s --help)\n",
                 tool, unknown.c_str(),
                 near.empty() ? "" : ("; did you mean '" + near + "'?").c_str(),
                 tool);
    return kUsageError;
  }
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    if (!message.empty())
      message[0] = static_cast<char>(std::tolower(message[0]));
    std::string hint;
    if (dynamic_cast<const CLI::ExtrasError *>(&e))
      if (std::string near = closestOption(app, firstOptionWord(message));
          !near.empty())
        hint = "; did you mean '" + near + "'?";
    std::fprintf(stderr, "%s: error: %s%s (see %s --help)\n", tool,
                 message.c_str(), hint.c_str(), tool);
    return kUsageError;
  }
}

} // namespace qsnn::tools

#endif // QSNN_TOOLS_COMMON_USAGEERRORS_H
