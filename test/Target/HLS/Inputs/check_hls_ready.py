"""HLS-readiness of a generated kernel: no dynamic memory, no STL, no
floating point, no recursion (the call graph among the file's functions is
a DAG). Prints one line per problem and exits 1 if there is any.

usage: check_hls_ready.py KERNEL.cpp
"""
import re
import sys

FORBIDDEN = [
    (r"\bnew\b|\bdelete\b", "dynamic memory (new/delete)"),
    (r"\b(malloc|calloc|realloc|free|alloca)\s*\(", "dynamic memory (C)"),
    (r"\bstd::", "C++ standard library"),
    (r"#include\s*<(vector|map|string|list|deque|memory|iostream)>", "STL"),
    (r"\b(float|double)\b", "floating point"),
    (r"\b\d+\.\d*([eE][-+]?\d+)?f?\b", "floating-point literal"),
    (r"\bgoto\b|\bsetjmp\b|\blongjmp\b", "non-structured control flow"),
]


def strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def functions(code):
    """name -> body of each function definition at file scope."""
    result = {}
    pattern = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{")
    depth, i = 0, 0
    while i < len(code):
        if depth == 0:
            match = pattern.match(code, i)
            if match and match.group(1) not in ("if", "for", "while",
                                                "switch"):
                start = match.end()
                level, j = 1, start
                while level and j < len(code):
                    level += {"{": 1, "}": -1}.get(code[j], 0)
                    j += 1
                result[match.group(1)] = code[start:j]
                i = j
                continue
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        i += 1
    return result


def main():
    code = strip(open(sys.argv[1]).read())
    problems = []
    for regex, what in FORBIDDEN:
        for match in re.finditer(regex, code):
            problems.append("%s: '%s'" % (what, match.group(0)))
    defs = functions(code)
    calls = {name: {callee for callee in defs
                    if re.search(r"\b%s\s*(<[^>]*>)?\s*\(" % callee, body)}
             for name, body in defs.items()}
    state = {}

    def visit(name, path):
        if state.get(name) == 1:
            problems.append("recursion: " + " -> ".join(path + [name]))
            return
        if state.get(name) == 2:
            return
        state[name] = 1
        for callee in sorted(calls[name]):
            visit(callee, path + [name])
        state[name] = 2

    for name in sorted(defs):
        visit(name, [])
    for problem in problems:
        print("not HLS-ready: " + problem)
    if not problems:
        print("HLS-ready: %d functions, call graph is a DAG, no dynamic "
              "memory, STL or floating point" % len(defs))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
