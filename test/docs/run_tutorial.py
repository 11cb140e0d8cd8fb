"""Runs docs/tutorial.md as written: every ```sh block (bash) and ```python
block (Debian's python3 with PYTHONPATH=$QSNN/python), in order, in one
shell, in an empty temporary folder. Fails on the first command that fails.

usage: run_tutorial.py SOURCE_DIR [--keep] [--page PATH]

Only the environment the page itself names may differ from a reader's:
QSNN (the clone), QSNN_TUTORIAL_IMAGES and EPOCHS (a subset, for CI).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n", re.S | re.M)


def script_of(page):
    """The page's sh and python blocks as one bash script."""
    parts = ["set -euo pipefail"]
    blocks = 0
    for lang, body in FENCE.findall(page):
        if lang == "sh":
            parts.append(body)
        elif lang == "python":
            marker = "QSNN_TUTORIAL_PYTHON_%d" % blocks
            parts.append('PYTHONPATH="$QSNN/python" /usr/bin/python3 - <<\'%s\'\n'
                         '%s%s' % (marker, body, marker))
        else:
            continue
        blocks += 1
        parts.append('echo "--- tutorial block %d done"' % blocks)
    return "\n".join(parts) + "\n", blocks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--page", help="default: SOURCE/docs/tutorial.md")
    parser.add_argument("--keep", action="store_true",
                        help="keep the working folder")
    args = parser.parse_args()
    source = os.path.abspath(args.source)
    page = open(args.page or os.path.join(source, "docs", "tutorial.md")).read()
    script, blocks = script_of(page)
    work = tempfile.mkdtemp(prefix="qsnn-tutorial-")
    env = dict(os.environ)
    env["QSNN"] = source
    env.setdefault("QSNN_TUTORIAL_IMAGES", "2000")
    env.setdefault("EPOCHS", "1")
    try:
        result = subprocess.run(["bash", "-c", script], cwd=work, env=env)
        if result.returncode != 0:
            print("run_tutorial: a block failed (exit %d); %d blocks on the "
                  "page; work folder %s" % (result.returncode, blocks, work))
            args.keep = True
            return 1
        print("run_tutorial: all %d blocks ran" % blocks)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
