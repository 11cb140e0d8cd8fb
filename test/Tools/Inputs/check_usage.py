"""Runs a command that makes a command-line mistake and checks qsnn's
convention: exit status 2, exactly one line on stderr, nothing on stdout,
and the line names the problem (every given fragment appears in it).

usage: check_usage.py FRAGMENT[|FRAGMENT...] -- COMMAND...
"""
import subprocess
import sys


def main():
    split = sys.argv.index("--")
    fragments = sys.argv[1].split("|")
    command = sys.argv[split + 1:]
    result = subprocess.run(command, capture_output=True, text=True,
                            timeout=120)
    lines = result.stderr.splitlines()
    problems = []
    if result.returncode != 2:
        problems.append("exit status %d, expected 2" % result.returncode)
    if len(lines) != 1:
        problems.append("%d lines on stderr, expected 1" % len(lines))
    if result.stdout:
        problems.append("stdout is not empty")
    for fragment in fragments:
        if fragment not in result.stderr:
            problems.append("stderr lacks %r" % fragment)
    if problems:
        print("%s: %s\nstderr:\n%s" % (" ".join(command), "; ".join(problems),
                                       result.stderr))
        return 1
    print(lines[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
