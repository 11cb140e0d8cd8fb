#!/usr/bin/python3
"""Writes test vectors for the HLS testbench whose expected int64 logits come
from the CPU artifact, so that C simulation checks HLS against CPU bit for bit.

usage: demo_hls_vectors.py CPU_ARTIFACT TEST_DATA_DIR OUT_DIR [--samples N]
(the inputs are the first N images of TEST_DATA_DIR/input_0.pb)
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
from qsnn.runtime import Model  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifact")
    parser.add_argument("test_data")
    parser.add_argument("out")
    parser.add_argument("--samples", type=int, default=64)
    args = parser.parse_args()
    pixels = numpy_helper.to_array(onnx.load_tensor(
        os.path.join(args.test_data, "input_0.pb")))[:args.samples]
    with Model(args.artifact) as model:
        if model.info["numerics"] != "integer":
            sys.exit("demo_hls_vectors: %s has %s numerics; the HLS testbench "
                     "compares integer logits" % (args.artifact,
                                                  model.info["numerics"]))
        z = model.run(np.ascontiguousarray(pixels))
    os.makedirs(args.out, exist_ok=True)
    names = (model.info["inputs"][0]["name"], model.info["outputs"][0]["name"])
    for name, array, file in ((names[0], pixels, "input_0.pb"),
                              (names[1], z, "output_0.pb")):
        tensor = numpy_helper.from_array(array, name)
        with open(os.path.join(args.out, file), "wb") as f:
            f.write(tensor.SerializeToString())
    print("wrote %d samples with the CPU artifact's integer logits to %s"
          % (len(pixels), args.out))


if __name__ == "__main__":
    main()
