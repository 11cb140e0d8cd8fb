"""Checks qsnn-quantize-to-integer against python/qsnn/reference.py.

Writes a small ai.qsnn model (two input channels with different scales and
zero points, int8 first layer + batch norm, average pool, a projected and an
identity residual with batch norm, max pool, global average pool, int8
classifier, readout; k = 2/4/8, both levels and fire_on modes), imports it,
runs the pass and compares every iaffine / ilif / ireadout constant with the
constants integer_forward derives independently.

usage: quantize_oracle.py --src SRC_ROOT --work DIR [--multiplier-bits P]
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QONNX = "qonnx.custom_op.general"


def build_model(rng):
    T, C, H = 2, 2, 6
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array, np.float32),
                                             name))
        return name

    def binary_conv(name, x, cin, cout, kernel, bn=True):
        w = const(name + "_w", rng.normal(size=(cout, cin, kernel, kernel)))
        a = const(name + "_a", rng.uniform(0.05, 0.4, size=(cout, 1, 1, 1)))
        nodes.append(helper.make_node("BipolarQuant", [w, a], [name + "_q"],
                                      domain=QONNX))
        pad = kernel // 2
        nodes.append(helper.make_node("Conv", [x, name + "_q"], [name],
                                      kernel_shape=[kernel, kernel],
                                      pads=[pad] * 4))
        return batch_norm(name, name, cout) if bn else name

    def quant8(out, weight, step):
        """QONNX 8-bit signed narrow quantizer of `weight` with `step`."""
        nodes.append(helper.make_node("Quant", [weight, step, "zero", "eight"],
                                      [out], domain=QONNX, signed=1, narrow=1,
                                      rounding_mode="ROUND"))

    def batch_norm(name, x, channels):
        params = [const(name + "_g", rng.uniform(0.5, 2.0, channels)),
                  const(name + "_b", rng.normal(0, 0.3, channels)),
                  const(name + "_m", rng.normal(0, 0.5, channels)),
                  const(name + "_v", rng.uniform(0.5, 3.0, channels))]
        nodes.append(helper.make_node("BatchNormalization", [x] + params,
                                      [name + "_bn"], epsilon=1e-5))
        return name + "_bn"

    def lif(name, x, alpha, bits, levels, fire_on):
        nodes.append(helper.make_node(
            "LIF", [x], [name], domain="ai.qsnn", time_steps=T, tau=0.5,
            threshold=1.0, membrane_bits=bits, levels=levels, fire_on=fire_on,
            alpha_u=alpha, reset="hard"))
        return name

    const("zp", np.array([73.0, 121.0]).reshape(1, C, 1, 1))
    const("sc", np.array([0.0173, 0.0049]).reshape(1, C, 1, 1))
    inits.append(numpy_helper.from_array(np.array([T, 1, 1, 1], np.int64),
                                         "repeats"))
    nodes += [helper.make_node("Cast", ["input"], ["f"], to=TensorProto.FLOAT),
              helper.make_node("Sub", ["f", "zp"], ["c"]),
              helper.make_node("Mul", ["c", "sc"], ["n"]),
              helper.make_node("Tile", ["n", "repeats"], ["r"])]
    # First layer: int8 weights, per-tensor step, conv bias and batch norm.
    const("w1", rng.normal(0, 0.5, size=(4, C, 3, 3)))
    const("step1", [0.0101])
    const("zero", [0.0])
    const("eight", [8.0])
    const("b1", rng.normal(0, 0.2, 4))
    quant8("q1", "w1", "step1")
    nodes.append(helper.make_node("Conv", ["r", "q1", "b1"], ["y1"],
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    s1 = lif("s1", batch_norm("y1", "y1", 4), 1.37, 4, "signed", "full")
    nodes.append(helper.make_node("AveragePool", [s1], ["p1"],
                                  kernel_shape=[2, 2], strides=[2, 2]))
    # Projected residual: two binary branches meet at one LIF.
    main = binary_conv("m2", "p1", 4, 4, 3)
    proj = binary_conv("j2", "p1", 4, 4, 1)
    nodes.append(helper.make_node("Add", [main, proj], ["a2"]))
    s2 = lif("s2", "a2", 2.11, 2, "paper", "quantized")
    # Identity residual.
    body = binary_conv("m3", s2, 4, 4, 3)
    nodes.append(helper.make_node("Add", [body, s2], ["a3"]))
    s3 = lif("s3", "a3", 0.83, 8, "signed", "full")
    s4 = lif("s4", binary_conv("m4", s3, 4, 4, 3), 1.9, 2, "signed",
             "quantized")
    nodes.append(helper.make_node("MaxPool", [s4], ["p4"], kernel_shape=[2, 2],
                                  strides=[1, 1]))
    nodes.append(helper.make_node("GlobalAveragePool", ["p4"], ["g"]))
    nodes.append(helper.make_node("Flatten", ["g"], ["fl"], axis=1))
    const("wf", rng.normal(0, 0.3, size=(3, 4)))
    const("sf", [0.0047])
    const("bf", rng.normal(0, 0.1, 3))
    quant8("qf", "wf", "sf")
    nodes.append(helper.make_node("Gemm", ["fl", "qf", "bf"], ["logit_steps"],
                                  transB=1))
    inits.append(numpy_helper.from_array(np.array([T, -1, 3], np.int64),
                                         "readout_shape"))
    nodes.append(helper.make_node("Reshape", ["logit_steps", "readout_shape"],
                                  ["st"]))
    nodes.append(helper.make_node("ReduceMean", ["st"], ["logits"], axes=[0],
                                  keepdims=0))
    graph = helper.make_graph(
        nodes, "oracle",
        [helper.make_tensor_value_info("input", TensorProto.UINT8,
                                       ["N", C, H, H])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["N", 3])],
        inits)
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("ai.qsnn", 1),
        helper.make_opsetid(QONNX, 1)])
    model.ir_version = 8
    for key, value in (("qsnn.schema_version", "1"), ("qsnn.time_steps",
                                                      str(T)),
                       ("qsnn.input_kind", "static")):
        model.metadata_props.add(key=key, value=value)
    return model, (C, H)


def ints(text):
    return [int(v) for v in text.split(",")] if text.strip() else []


def parse(mlir):
    """[(iaffines, op)] per ilif / ireadout in program order."""
    groups, pending = [], []
    for line in mlir.splitlines():
        if "qsnn.iaffine" in line:
            pending.append({
                "A": ints(re.search(r"multiplier = array<i64: ([^>]*)>",
                                    line).group(1)),
                "B": ints(re.search(r"bias = array<i64: ([^>]*)>",
                                    line).group(1)),
                "F": int(re.search(r"frac_bits = (\d+)", line).group(1)),
                "per_input_channel": "per_input_channel = true" in line})
        for op in ("qsnn.ilif", "qsnn.ireadout"):
            if op + " " in line:
                attrs = dict((k, int(v)) for k, v in re.findall(
                    r"(\w+) = (-?\d+) : i64", line))
                attrs["quantized"] = "fire_on quantized" in line
                groups.append((pending, op, attrs))
                pending = []
    return groups


def expected_terms(ref_terms, affines, channel_groups):
    """Maps the reference's terms (one per distinct input scale for the
    first layer) onto the pass's iaffines (one per_input_channel iaffine)."""
    result = []
    terms = iter(ref_terms)
    for affine in affines:
        if not affine["per_input_channel"]:
            result.append(next(terms))
            continue
        per_group = [next(terms) for _ in range(len(set(channel_groups)))]
        outputs = len(per_group[0])
        result.append([per_group[channel_groups[c]][o]
                       for o in range(outputs)
                       for c in range(len(channel_groups))])
    return result


def check(mlir, lif_constants, readout, channel_groups, label):
    groups = parse(mlir)
    problems = []
    lifs = list(lif_constants.values())
    if len(groups) != len(lifs) + 1:
        return ["%s: %d ilif/ireadout ops, expected %d" %
                (label, len(groups), len(lifs) + 1)]
    compared = 0
    for index, (affines, op, attrs) in enumerate(groups):
        ref = lifs[index] if op == "qsnn.ilif" else readout
        where = "%s: %s #%d" % (label, op, index)
        fields = {"frac_bits": ref["F"]}
        if op == "qsnn.ilif":
            fields.update(tau_q=ref["tau_q"], levels=ref["L"],
                          threshold=ref["theta_m"] if attrs["quantized"]
                          else ref["theta_g"])
        for key, value in fields.items():
            compared += 1
            if attrs[key] != value:
                problems.append("%s: %s = %d, reference %d" %
                                (where, key, attrs[key], value))
        want = expected_terms(ref["A"], affines, channel_groups)
        for term, (affine, A) in enumerate(zip(affines, want)):
            bias = ref["B"] if term == 0 else [0] * len(ref["B"])
            compared += len(A) + len(bias) + 1
            if affine["F"] != ref["F"]:
                problems.append("%s term %d: F %d vs %d" %
                                (where, term, affine["F"], ref["F"]))
            if affine["A"] != A:
                problems.append("%s term %d: A %s vs reference %s" %
                                (where, term, affine["A"], A))
            if affine["B"] != bias:
                problems.append("%s term %d: B %s vs reference %s" %
                                (where, term, affine["B"], bias))
    print("%s: compared %d constants of %d layers" % (label, compared,
                                                      len(groups)))
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--multiplier-bits", type=int, default=24)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.src, "python"))
    from qsnn import reference

    os.makedirs(args.work, exist_ok=True)
    model, (C, H) = build_model(np.random.default_rng(7))
    onnx.checker.check_model(model, full_check=True)
    path = os.path.join(args.work, "oracle.onnx")
    onnx.save(model, path)

    pixels = np.random.default_rng(1).integers(0, 256, size=(2, C, H, H),
                                               dtype=np.uint8)
    readout = {}
    _, _, _, lif_constants = reference.integer_forward(
        model, pixels, multiplier_bits=args.multiplier_bits,
        readout_constants=readout)
    imported = subprocess.run(
        ["qsnn-translate", "--import-onnx", "--batch-size=2", path],
        check=True, capture_output=True, text=True).stdout
    quantized = subprocess.run(
        ["qsnn-opt", "--qsnn-quantize-to-integer=multiplier-bits=%d" %
         args.multiplier_bits],
        input=imported, check=True, capture_output=True, text=True).stdout
    # Input channels 0 and 1 have different scales: one reference term each.
    problems = check(quantized, lif_constants, readout, [0, 1],
                     "quantize-to-integer")
    for problem in problems:
        print("MISMATCH", problem)
    if problems:
        return 1
    print("all constants agree with reference.integer_forward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
