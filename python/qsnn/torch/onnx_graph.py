"""Small helpers to emit ONNX graphs with onnx.helper, naming values the way
qsnn-train's exporter does (lib/Train/OnnxGraphBuilder.cpp): a hint, then
hint_1, hint_2, ... so that both exporters write the same graph."""
import numpy as np
import torch
from onnx import TensorProto, helper, numpy_helper

QSNN_DOMAIN = "ai.qsnn"
QONNX_DOMAIN = "qonnx.custom_op.general"
ONNX_OPSET = 17
IR_VERSION = 8  # the IR of opset 17 (ONNX 1.12)


def to_numpy(tensor):
    if isinstance(tensor, torch.Tensor):
        return tensor.detach().cpu().contiguous().numpy()
    return np.ascontiguousarray(tensor)


def tensor_proto(tensor, name):
    """A TensorProto (raw_data, little-endian) of a float32, uint8 or int64
    tensor or array, shape included."""
    array = to_numpy(tensor)
    if array.dtype not in (np.float32, np.uint8, np.int64):
        raise TypeError("cannot store %s tensor %r in the schema" % (array.dtype, name))
    return numpy_helper.from_array(array, name)


def tensor_type(name, elem_type, dims, symbol):
    """A ValueInfoProto; negative dims become the symbol ``symbol``."""
    shape = [symbol if d < 0 else d for d in dims]
    return helper.make_tensor_value_info(name, elem_type, shape)


class GraphBuilder:
    """Appends nodes, initializers and value infos with unique names."""

    def __init__(self):
        self.nodes, self.initializers, self.value_info = [], [], []
        self._used = {}

    def unique_name(self, hint):
        count = self._used.get(hint, 0)
        self._used[hint] = count + 1
        return hint if count == 0 else "%s_%d" % (hint, count)

    def initializer(self, hint, tensor):
        name = self.unique_name(hint)
        self.initializers.append(tensor_proto(tensor, name))
        return name

    def int64_initializer(self, hint, values):
        return self.initializer(hint, np.asarray(values, dtype=np.int64))

    def node(self, op_type, inputs, output_hint, domain="", attributes=()):
        """Adds a node with one output; ``attributes`` is a sequence of
        (name, value) pairs kept in order. Returns the output name."""
        node = helper.NodeProto()
        node.op_type = op_type
        node.name = self.unique_name(op_type)
        if domain:
            node.domain = domain
        node.input.extend(inputs)
        output = self.unique_name(output_hint)
        node.output.append(output)
        node.attribute.extend(helper.make_attribute(k, v) for k, v in attributes)
        self.nodes.append(node)
        return output

    def float_value_info(self, name, dims, symbol="TN"):
        """Records the shape of a value ONNX cannot infer (custom ops)."""
        self.value_info.append(tensor_type(name, TensorProto.FLOAT, dims, symbol))
