"""Writes a 3-image MNIST test split (t10k idx files) and linear.onnx, a
float model whose logit k is the brightness of image row k, so that an
image with only row r lit is classified r."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
os.makedirs(os.path.join(root, "mnist"), exist_ok=True)
labels = [2, 0, 7]
images = np.zeros((3, 28, 28), np.uint8)
for i, label in enumerate(labels):
    images[i, label, :] = 200


def idx(dims, data):
    header = bytes([0, 0, 8, len(dims)])
    for d in dims:
        header += int(d).to_bytes(4, "big")
    return header + data.tobytes()


with open(os.path.join(root, "mnist", "t10k-images-idx3-ubyte"), "wb") as f:
    f.write(idx(images.shape, images))
with open(os.path.join(root, "mnist", "t10k-labels-idx1-ubyte"), "wb") as f:
    f.write(idx([3], np.array(labels, np.uint8)))

weights = np.zeros((10, 784), np.float32)
for k in range(10):
    weights[k, k * 28:(k + 1) * 28] = 1.0
graph = helper.make_graph(
    [helper.make_node("Cast", ["input"], ["x"], to=TensorProto.FLOAT),
     helper.make_node("Flatten", ["x"], ["flat"], axis=1),
     helper.make_node("Gemm", ["flat", "w"], ["logits"], transB=1)],
    "linear",
    [helper.make_tensor_value_info("input", TensorProto.UINT8,
                                   ["N", 1, 28, 28])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
    initializer=[numpy_helper.from_array(weights, "w")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
# A model of the ai.qsnn schema (time steps given): dimension 0 is the batch.
helper.set_model_props(model, {"qsnn.time_steps": "1"})
onnx.save(model, os.path.join(root, "linear.onnx"))
