"""Runs a command that must fail and checks qsnn's error convention: the
expected exit status (1 for bad input, 2 for a command-line mistake;
docs/README.md#exit-codes), exactly one line on stderr, nothing on stdout,
and the line names the problem (every given fragment appears in it).
Optionally, paths that must not exist afterwards (no half-written output).

usage: check_error.py [--status N] [--absent PATH]... FRAGMENT[|FRAGMENT...]
                      -- COMMAND...
"""
import os
import subprocess
import sys


def main():
    # By hand: fragments themselves often start with "--".
    split = sys.argv.index("--")
    options = sys.argv[1:split]
    status, absent = 1, []
    while len(options) > 1 and options[0] in ("--status", "--absent"):
        if options[0] == "--status":
            status = int(options[1])
        else:
            absent.append(options[1])
        options = options[2:]
    if len(options) != 1:
        sys.exit(__doc__)
    fragments = options[0].split("|")
    command = sys.argv[split + 1:]
    result = subprocess.run(command, capture_output=True, text=True,
                            errors="replace", timeout=300)
    lines = result.stderr.splitlines()
    problems = []
    if result.returncode != status:
        problems.append("exit status %d, expected %d" %
                        (result.returncode, status))
    if len(lines) != 1:
        problems.append("%d lines on stderr, expected 1" % len(lines))
    if result.stdout:
        problems.append("stdout is not empty")
    for fragment in fragments:
        if fragment not in result.stderr:
            problems.append("stderr lacks %r" % fragment)
    for path in absent:
        if os.path.lexists(path):
            problems.append("%s exists" % path)
    if problems:
        print("%s: %s\nstderr:\n%s" % (" ".join(command), "; ".join(problems),
                                       result.stderr))
        return 1
    print(lines[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
