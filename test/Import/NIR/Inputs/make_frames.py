#!/usr/bin/env python3
"""Writes DIR/test_data_set_0/input_0.pb: random uint8 event frames
[T, S, shape...] as an ONNX TensorProto (calibration data of a NIR graph).

    make_frames.py DIR T S D0 [D1 ...]
"""
import os
import sys

import numpy as np
from onnx import numpy_helper, save_tensor


def main(argv):
    folder, dims = argv[1], [int(v) for v in argv[2:]]
    frames = np.random.default_rng(0).integers(0, 3, size=dims).astype(np.uint8)
    os.makedirs(os.path.join(folder, "test_data_set_0"), exist_ok=True)
    save_tensor(numpy_helper.from_array(frames, "in"),
                os.path.join(folder, "test_data_set_0", "input_0.pb"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
