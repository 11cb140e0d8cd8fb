"""The ctypes structs of qsnn.runtime describe runtime/include/qsnn_abi.h
field by field: same names, same order, same C types. The header is the one
definition; this test fails the moment the two drift apart."""
import ctypes
import os
import re

from qsnn import runtime

HEADER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "runtime", "include", "qsnn_abi.h")

C_TYPES = {"uint32_t": ctypes.c_uint32, "int32_t": ctypes.c_int32,
           "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
           "const char *": ctypes.c_char_p}


def header_fields(struct):
    """[(name, C type)] of `typedef struct STRUCT {...}` in the header."""
    text = re.sub(r"/\*.*?\*/", "", open(HEADER).read(), flags=re.S)
    body = re.search(r"typedef struct %s \{(.*?)\}" % struct, text, re.S)
    assert body, "no struct %s in %s" % (struct, HEADER)
    fields = []
    for decl in body.group(1).split(";"):
        decl = " ".join(decl.split())
        if not decl:
            continue
        match = re.fullmatch(r"(.*?)\s*\*?\s*(\w+)(\[\w+\])?", decl)
        kind, name = match.group(1), match.group(2)
        if "*" in decl:
            kind = kind.rstrip(" *") + " *"
        fields.append((name, kind, match.group(3)))
    return fields


def check(struct, cls, pointers):
    ours = cls._fields_
    theirs = header_fields(struct)
    assert [f[0] for f in ours] == [f[0] for f in theirs]
    for (name, ctype), (_, kind, array) in zip(ours, theirs):
        if name in pointers:
            assert issubclass(ctype, ctypes._Pointer), name
            assert pointers[name] in kind, (name, kind)
        elif array:
            assert ctype._type_ is C_TYPES[kind], name
            assert ctype._length_ == runtime.MAX_RANK, name
        else:
            assert ctype is C_TYPES[kind], (name, kind)


def test_tensor_desc_matches_header():
    check("qsnn_tensor_desc", runtime._TensorDesc, {})


def test_model_info_matches_header():
    check("qsnn_model_info", runtime._ModelInfo,
          {"inputs": "qsnn_tensor_desc", "outputs": "qsnn_tensor_desc"})


def test_max_rank_matches_header():
    text = open(HEADER).read()
    assert re.search(r"#define QSNN_MAX_RANK (\d+)", text).group(1) == \
        str(runtime.MAX_RANK)
