"""Writes the test-data folders of errors.test for tiny-net.mlir (input
'pixels' uint8 [1, 1, 4, 4], output 'logits' float32 [1, 2])."""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import numpy_helper

root = sys.argv[1]


def save(folder, name, array):
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    tensor = numpy_helper.from_array(array, name.split("_")[0] == "input"
                                     and "pixels" or "logits")
    with open(os.path.join(root, folder, name + ".pb"), "wb") as f:
        f.write(tensor.SerializeToString())


pixels = (np.arange(16, dtype=np.uint8) * 13).reshape(1, 1, 4, 4)
save("td", "input_0", pixels)
# The expected logits are the artifact's own, computed through the runtime.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "python"))
from qsnn.runtime import Model  # noqa: E402

with Model(os.path.join(root, "art")) as model:
    logits = model.run(pixels)
save("td", "output_0", logits)
wrong = logits.copy()
wrong[0, 1] += 1.0
save("wrong", "input_0", pixels)
save("wrong", "output_0", wrong)
save("dtype", "input_0", pixels.astype(np.float32))
save("dtype", "output_0", logits)
save("shape", "input_0", np.zeros((1, 1, 5, 4), np.uint8))
save("shape", "output_0", logits)
short = onnx.TensorProto()  # 10 values for a 16-element shape
short.name = "pixels"
short.data_type = onnx.TensorProto.UINT8
short.dims.extend([1, 1, 4, 4])
short.int32_data.extend(range(10))
os.makedirs(os.path.join(root, "short"), exist_ok=True)
with open(os.path.join(root, "short", "input_0.pb"), "wb") as f:
    f.write(short.SerializeToString())
save("short", "output_0", logits)
os.makedirs(os.path.join(root, "garbage"), exist_ok=True)
with open(os.path.join(root, "garbage", "input_0.pb"), "wb") as f:
    f.write(b"\xff\xff\xff\xff not a protobuf")
save("garbage", "output_0", logits)
shutil.rmtree(os.path.join(root, "empty"), ignore_errors=True)
os.makedirs(os.path.join(root, "empty"))


def save_proto(folder, tensor):
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    with open(os.path.join(root, folder, "input_0.pb"), "wb") as f:
        f.write(tensor.SerializeToString())
    save(folder, "output_0", logits)


huge = onnx.TensorProto()  # 2^40 declared elements, no data
huge.name = "pixels"
huge.data_type = onnx.TensorProto.UINT8
huge.dims.extend([1 << 40, 1, 4, 4])
save_proto("huge", huge)
big = onnx.TensorProto()  # 2^30 declared elements, no data
big.name = "pixels"
big.data_type = onnx.TensorProto.UINT8
big.dims.extend([1 << 26, 1, 4, 4])
save_proto("big", big)
wide = onnx.TensorProto()  # a uint8 value of 300 in int32_data
wide.name = "pixels"
wide.data_type = onnx.TensorProto.UINT8
wide.dims.extend([1, 1, 4, 4])
wide.int32_data.extend([0] * 5 + [300] + [0] * 10)
save_proto("wide", wide)
ragged = onnx.TensorProto()  # raw_data not a whole number of float32
ragged.name = "pixels"
ragged.data_type = onnx.TensorProto.FLOAT
ragged.dims.extend([1, 1, 4, 4])
ragged.raw_data = b"\0" * 63
save_proto("ragged", ragged)
