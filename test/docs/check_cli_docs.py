#!/usr/bin/python3
"""Fails when a command-line option that a qsnn tool's --help lists is not
documented in docs/ (every command and option a user can type must be
findable there).

usage: check_cli_docs.py BIN_DIR DOCS_DIR
"""
import os
import re
import subprocess
import sys

# tool (and subcommand) -> which of its options are qsnn's own. qsnn-opt and
# qsnn-translate also list every upstream MLIR flag; only qsnn's are checked.
TOOLS = [
    (["qsnn-train", "fit", "--help"], None),
    (["qsnn-train", "eval", "--help"], None),
    (["qsnn-train", "export", "--help"], None),
    (["qsnn-train", "launch", "--help"], None),
    (["qsnn-compile", "--help"], None),
    (["qsnn-run", "--help"], None),
    (["qsnn-bench", "--help"], None),
    (["qsnn-kernel-bench", "--help"], None),
    (["qsnn-opt", "--help"], re.compile(r"--(qsnn-|convert-qsnn)")),
    (["qsnn-translate", "--help"],
     re.compile(r"--(import-onnx|import-nir|nir-|emit-hls-cpp|hls-|"
                r"batch-size|bind-input|onnx-)")),
]
IGNORED = {"--help", "--help-hidden", "--help-list", "--help-list-hidden",
           "--version"}


def options(text, keep):
    found = set()
    for line in text.splitlines():
        for option in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line):
            if option in IGNORED or (keep and not keep.match(option)):
                continue
            found.add(option)
    return found


def main(bin_dir, docs_dir):
    docs = ""
    for root, _, files in os.walk(docs_dir):
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    docs += f.read()
    missing = []
    for command, keep in TOOLS:
        tool = os.path.join(bin_dir, command[0])
        if not os.path.exists(tool):
            continue  # not built in this configuration
        result = subprocess.run([tool] + command[1:], capture_output=True,
                                text=True)
        for option in sorted(options(result.stdout + result.stderr, keep)):
            if not re.search(re.escape(option) + r"(?![\w-])", docs):
                missing.append("%s: %s" % (" ".join(command[:-1]), option))
    for line in missing:
        print("undocumented option: " + line)
    print("%d passed, %d failed" % (0 if missing else 1, 1 if missing else 0))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
