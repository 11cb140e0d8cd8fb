"""qsnn.torch.from_onnx: an ai.qsnn ONNX model (qsnn-train's export or
qsnn.torch's) rebuilt as a SpikingNetwork with its weights.

The graph is read as the schema's idioms (docs/spec.md §5): Cast -> Sub ->
Mul -> Tile (static) or Cast -> Reshape (events); per layer a QONNX
quantizer (or float initializer) feeding Conv/Gemm, BatchNormalization, an
ai.qsnn::LIF; pools, Flatten, residual Add -> LIF (BasicBlock); Reshape ->
ReduceMean readout. Anything else raises QSNNError naming the node.

Binary layers hold W-hat, the already standardized weight, and alpha_w =
mean|W-hat| per output channel. The rebuilt QConv2d/QLinear keeps W-hat as
its latent weight with ``weight_norm="none"`` by default, so that export
writes W-hat and alpha_w back bit for bit. Pass ``weight_norm="channel"``
(or ``"layer"``) to fine-tune with WS-DR again: standardizing W-hat once
more changes it only in the last bits of float32.
"""
import json
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, numpy_helper

from .blocks import BasicBlock
from .encoding import EventEncoder, StaticEncoder
from .errors import QSNNError
from .functional import WEIGHT_NORMS, channel_scale, int8_scale
from .network import SpikingNetwork
from .neuron import LIF
from .onnx_graph import ONNX_OPSET, QONNX_DOMAIN, QSNN_DOMAIN
from .synapses import QConv2d, QLinear

#: Weight quantizer domains the compiler accepts (docs/import.md).
QUANT_DOMAINS = (QONNX_DOMAIN, "onnx.brevitas", "finn.custom_op.general")
#: The ai.onnx ops of the schema's idioms.
STANDARD_OPS = ("Cast", "Sub", "Mul", "Tile", "Reshape", "Conv", "Gemm",
                "BatchNormalization", "AveragePool", "MaxPool",
                "GlobalAveragePool", "Flatten", "Add", "ReduceMean")


def _float32(value):
    """The shortest decimal that reads back as the float32 ``value``, as a
    Python float (0.001, not 0.0010000000474974513), as the importer does."""
    return float(str(np.float32(value)))


def _attrs(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


class _Entry:
    """A rebuilt module reading value ``source`` and producing ``output``."""

    def __init__(self, module, source, output):
        self.module, self.source, self.output = module, source, output


class _Reader:
    def __init__(self, proto, path, weight_norm):
        self.proto, self.path, self.weight_norm = proto, path, weight_norm
        self.graph = proto.graph
        self.inits = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        self.meta = {p.key: p.value for p in proto.metadata_props}
        self.entries = []
        self.rank = {}       # value -> rank of the features tensor
        self.weights = {}    # quantizer output -> (bits, tensor)
        self.pixels = {}     # value -> stage of the input idiom
        self.start = None    # the first features value
        self.readout = None
        self.logits = None
        self.zero_point = self.scale = None
        self.pending = {}    # Add output -> (block input, main, shortcut)

    # -- errors ---------------------------------------------------------
    def fail(self, node, index, why):
        name = node.name or (node.output[0] if node.output else "")
        raise QSNNError("%s: node '%s' (%s, #%d): %s"
                        % (self.path, name, node.op_type, index, why))

    def const(self, node, index, name, what):
        if name not in self.inits:
            self.fail(node, index, "%s '%s' must be an initializer" % (what, name))
        return self.inits[name]

    # -- the walk -------------------------------------------------------
    def read(self):
        self.check_header()
        for index, node in enumerate(self.graph.node):
            domain = node.domain or ""
            if domain in QUANT_DOMAINS:
                known = node.op_type in ("Quant", "BipolarQuant")
            elif domain == QSNN_DOMAIN:
                known = node.op_type == "LIF"
            else:
                known = domain == "" and node.op_type in STANDARD_OPS
            if not known:
                self.fail(node, index, "not part of the ai.qsnn schema that "
                          "qsnn.torch rebuilds")
            getattr(self, "op_" + node.op_type)(node, index, _attrs(node))
        if self.logits is None or self.logits != self.graph.output[0].name:
            raise QSNNError("%s: the graph does not end with the readout "
                            "Reshape [T, -1, K] -> ReduceMean(axes=[0])" % self.path)
        if self.pending:
            raise QSNNError("%s: residual Add '%s' is not followed by a LIF"
                            % (self.path, next(iter(self.pending))))
        return self.network()

    def check_header(self):
        opsets = {o.domain or "": o.version for o in self.proto.opset_import}
        if opsets.get(QSNN_DOMAIN) != 1:
            raise QSNNError("%s: not an ai.qsnn v1 model (opset_import has no "
                            "ai.qsnn version 1)" % self.path)
        if not 1 <= opsets.get("", 0) <= ONNX_OPSET:
            raise QSNNError("%s: ai.onnx opset %s (qsnn reads 1 to %d)"
                            % (self.path, opsets.get(""), ONNX_OPSET))
        try:
            self.T = int(self.meta["qsnn.time_steps"])
        except (KeyError, ValueError):
            raise QSNNError("%s: metadata qsnn.time_steps is missing or not an "
                            "integer" % self.path) from None
        inputs = [i for i in self.graph.input if i.name not in self.inits]
        if len(inputs) != 1 or len(self.graph.output) != 1:
            raise QSNNError("%s: a Q-SNN has one uint8 input and one logits "
                            "output" % self.path)
        t = inputs[0].type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
        self.events = len(dims) == 5
        if t.elem_type != TensorProto.UINT8 or len(dims) not in (4, 5) \
                or min(dims[-3:]) < 1:
            raise QSNNError("%s: input '%s' must be uint8 [N, C, H, W] or "
                            "[T, N, C, H, W] with static C, H, W"
                            % (self.path, inputs[0].name))
        self.input_shape = tuple(dims[-3:])
        self.pixels[inputs[0].name] = "uint8"

    def features_value(self, node, index, value):
        if value not in self.rank:
            self.fail(node, index, "input '%s' is not a value of the spiking "
                      "network" % value)
        if value in self.pending:
            self.fail(node, index, "a residual Add must feed a LIF")
        return value

    def add(self, module, source, output, rank):
        self.entries.append(_Entry(module, source, output))
        self.rank[output] = rank

    # -- input idioms ---------------------------------------------------
    def op_Cast(self, node, index, attrs):
        if self.pixels.get(node.input[0]) != "uint8" or attrs.get("to") != TensorProto.FLOAT:
            self.fail(node, index, "only the uint8 input is cast (to float)")
        self.pixels[node.output[0]] = "float"

    def op_Sub(self, node, index, attrs):
        if self.pixels.get(node.input[0]) != "float":
            self.fail(node, index, "only the cast input is centred")
        self.zero_point = self.const(node, index, node.input[1], "zero point").reshape(-1)
        self.pixels[node.output[0]] = "centered"

    def op_Mul(self, node, index, attrs):
        # The schema allows the scale on either side (docs/spec.md §5.2).
        x, scale = node.input if node.input[0] not in self.inits else node.input[::-1]
        if self.pixels.get(x) not in ("float", "centered"):
            self.fail(node, index, "only the centred input is scaled")
        self.scale = self.const(node, index, scale, "scale").reshape(-1)
        self.pixels[node.output[0]] = "normalized"

    def op_Tile(self, node, index, attrs):
        source = self.pixels.get(node.input[0])
        if self.events or source not in ("float", "centered", "normalized"):
            self.fail(node, index, "only the normalized static input is tiled")
        repeats = list(self.const(node, index, node.input[1], "repeats"))
        if repeats != [self.T, 1, 1, 1]:
            self.fail(node, index, "repeats %s, expected [T=%d, 1, 1, 1]" % (repeats, self.T))
        self.begin(node.output[0])

    def op_Reshape(self, node, index, attrs):
        shape = [int(v) for v in self.const(node, index, node.input[1], "shape")]
        if self.pixels.get(node.input[0]) == "float" and self.events:
            if shape != [-1, *self.input_shape]:
                self.fail(node, index, "events merge to [-1, C, H, W], got %s" % shape)
            self.begin(node.output[0])
            return
        source = self.features_value(node, index, node.input[0])
        if self.rank[source] != 2 or len(shape) != 3 or shape[:2] != [self.T, -1]:
            self.fail(node, index, "only the readout reshape [T*N, K] -> [T, -1, K] "
                      "(T = %d) is supported, got %s" % (self.T, shape))
        self.readout = (node.output[0], source)

    def begin(self, value):
        if self.start is not None:
            raise QSNNError("%s: the input is encoded twice" % self.path)
        self.start = value
        self.rank[value] = 4

    # -- weights --------------------------------------------------------
    def op_BipolarQuant(self, node, index, attrs):
        w_hat = torch.from_numpy(self.const(node, index, node.input[0], "W-hat").copy())
        alpha = torch.from_numpy(self.const(node, index, node.input[1], "alpha").copy())
        if w_hat.dtype != torch.float32:
            self.fail(node, index, "weights must be float32")
        expected = channel_scale(w_hat)
        if alpha.shape != expected.shape or not torch.allclose(alpha, expected, rtol=1e-5, atol=0):
            self.fail(node, index, "alpha must be mean|W-hat| per output channel "
                      "(shape %s), as WS-DR defines it" % list(expected.shape))
        self.weights[node.output[0]] = (1, w_hat)

    def op_Quant(self, node, index, attrs):
        w = torch.from_numpy(self.const(node, index, node.input[0], "W").copy())
        s = self.const(node, index, node.input[1], "scale")
        zp = self.const(node, index, node.input[2], "zero point")
        bits = self.const(node, index, node.input[3], "bit width")
        if (attrs.get("signed"), attrs.get("narrow"), attrs.get("rounding_mode", "ROUND")) \
                != (1, 1, "ROUND") or np.any(zp != 0) or np.any(bits != 8):
            self.fail(node, index, "only symmetric narrow 8-bit Quant (signed=1, "
                      "narrow=1, ROUND, zero point 0) is supported")
        expected = int8_scale(w).numpy()
        if np.size(s) != 1 or not np.allclose(s, expected, rtol=1e-6, atol=0):
            self.fail(node, index, "the scale must be max|W|/127 per tensor")
        self.weights[node.output[0]] = (8, w)

    def weight(self, node, index, name):
        if name in self.weights:
            return self.weights[name]
        w = self.const(node, index, name, "weight")
        if w.dtype != np.float32:
            self.fail(node, index, "weights must be float32")
        return 32, torch.from_numpy(w.copy())

    def synapse_options(self, bits):
        norm = self.weight_norm if bits == 1 else "none"
        return dict(weight_bits=bits, weight_norm=norm)

    # -- layers ---------------------------------------------------------
    def op_Conv(self, node, index, attrs):
        source = self.features_value(node, index, node.input[0])
        bits, w = self.weight(node, index, node.input[1])
        if w.dim() != 4:
            self.fail(node, index, "only 2-D convolutions are supported")
        if attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1, 1])) \
                or attrs.get("auto_pad", "NOTSET") != "NOTSET":
            self.fail(node, index, "group, dilations and auto_pad are not supported")
        kernel = list(attrs.get("kernel_shape", w.shape[2:]))
        pads = list(attrs.get("pads", [0, 0, 0, 0]))
        if kernel != list(w.shape[2:]) or pads[:2] != pads[2:]:
            self.fail(node, index, "kernel_shape must match the weight and pads "
                      "be symmetric")
        bias = len(node.input) > 2 and node.input[2] != ""
        conv = QConv2d(w.shape[1], w.shape[0], tuple(kernel),
                       tuple(attrs.get("strides", [1, 1])), tuple(pads[:2]),
                       bias=bias, **self.synapse_options(bits))
        self.load(conv, node, index, w, bias)
        self.add(conv, source, node.output[0], 4)

    def op_Gemm(self, node, index, attrs):
        source = self.features_value(node, index, node.input[0])
        bits, w = self.weight(node, index, node.input[1])
        if (attrs.get("transA", 0), attrs.get("transB", 0), attrs.get("alpha", 1.0),
                attrs.get("beta", 1.0)) != (0, 1, 1.0, 1.0) or w.dim() != 2:
            self.fail(node, index, "only Gemm(x, W, b){transB=1} is supported")
        bias = len(node.input) > 2 and node.input[2] != ""
        linear = QLinear(w.shape[1], w.shape[0], bias=bias, **self.synapse_options(bits))
        self.load(linear, node, index, w, bias)
        self.add(linear, source, node.output[0], 2)

    def load(self, module, node, index, w, bias):
        with torch.no_grad():
            module.weight.copy_(w)
            if bias:
                b = self.const(node, index, node.input[2], "bias").reshape(-1)
                if b.shape[0] != w.shape[0]:
                    self.fail(node, index, "bias has %d entries, %d outputs"
                              % (b.shape[0], w.shape[0]))
                module.bias.copy_(torch.from_numpy(b.copy()))

    def op_BatchNormalization(self, node, index, attrs):
        source = self.features_value(node, index, node.input[0])
        if attrs.get("training_mode", 0) != 0 or len(node.output) != 1:
            self.fail(node, index, "only inference batch norm is supported")
        gamma, beta, mean, var = (torch.from_numpy(self.const(
            node, index, name, what).copy()) for name, what in zip(
                node.input[1:5], ("scale", "bias", "mean", "variance")))
        rank = self.rank[source]
        bn = (nn.BatchNorm2d if rank == 4 else nn.BatchNorm1d)(
            gamma.numel(), eps=_float32(attrs.get("epsilon", 1e-5)))
        with torch.no_grad():
            bn.weight.copy_(gamma)
            bn.bias.copy_(beta)
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(var)
        self.add(bn, source, node.output[0], rank)

    def op_LIF(self, node, index, attrs):
        if node.input[0] in self.pending:
            source = node.input[0]
        else:
            source = self.features_value(node, index, node.input[0])
        if attrs.get("time_steps", self.T) != self.T:
            self.fail(node, index, "time_steps=%s differs from the metadata's %d"
                      % (attrs.get("time_steps"), self.T))
        try:
            lif = LIF(time_steps=self.T, tau=_float32(attrs.get("tau", 0.5)),
                      threshold=_float32(attrs.get("threshold", 1.0)),
                      membrane_bits=attrs.get("membrane_bits", 32),
                      levels=attrs.get("levels", "signed"),
                      fire_on=attrs.get("fire_on", "full"),
                      reset=attrs.get("reset", "hard"))
        except QSNNError as e:
            self.fail(node, index, str(e))
        if "alpha_u" in attrs:
            lif.alpha_hat.fill_(float(np.float32(attrs["alpha_u"])))
            # The range is trained: fine-tuning continues its running mean.
            lif.num_updates.fill_(1)
        elif lif.membrane_bits != 32:
            self.fail(node, index, "membrane_bits=%d needs alpha_u" % lif.membrane_bits)
        if source in self.pending:
            block_input, main, shortcut = self.pending.pop(source)
            block = BasicBlock.from_layers(*main, shortcut, lif)
            self.add(block, block_input, node.output[0], 4)
        else:
            self.add(lif, source, node.output[0], self.rank[source])

    def op_AveragePool(self, node, index, attrs):
        self.pool(node, index, attrs, nn.AvgPool2d)

    def op_MaxPool(self, node, index, attrs):
        self.pool(node, index, attrs, nn.MaxPool2d)

    def pool(self, node, index, attrs, kind):
        source = self.features_value(node, index, node.input[0])
        if any(attrs.get("pads", [0])) or attrs.get("ceil_mode", 0) or \
                attrs.get("auto_pad", "NOTSET") != "NOTSET" or len(node.output) != 1 \
                or any(d != 1 for d in attrs.get("dilations", [1])) \
                or attrs.get("storage_order", 0):
            self.fail(node, index, "only unpadded pools without ceil_mode, "
                      "dilations or indices are supported")
        # A square window reads back as an int, as the builders write it.
        kernel, stride = (v[0] if len(set(v)) == 1 else tuple(v) for v in (
            list(attrs["kernel_shape"]), list(attrs.get("strides", [1, 1]))))
        self.add(kind(kernel, stride), source, node.output[0], 4)

    def op_GlobalAveragePool(self, node, index, attrs):
        source = self.features_value(node, index, node.input[0])
        self.add(nn.AdaptiveAvgPool2d(1), source, node.output[0], 4)

    def op_Flatten(self, node, index, attrs):
        source = self.features_value(node, index, node.input[0])
        if attrs.get("axis", 1) != 1:
            self.fail(node, index, "only axis=1 is supported")
        self.add(nn.Flatten(), source, node.output[0], 2)

    def op_Add(self, node, index, attrs):
        a = self.features_value(node, index, node.input[0])
        b = self.features_value(node, index, node.input[1])
        chain_a, chain_b = self.chain(a), self.chain(b)
        common = next((v for v in chain_a if v in chain_b), None)
        if common is None:
            self.fail(node, index, "the two branches do not meet")
        branch_a = self.branch(a, common)
        branch_b = self.branch(b, common)
        n = len(branch_a) + len(branch_b)
        if sorted(map(id, self.entries[len(self.entries) - n:])) != \
                sorted(map(id, branch_a + branch_b)):
            self.fail(node, index, "the residual branches must be the layers "
                      "right before the Add")
        has_lif = [any(isinstance(e.module, LIF) for e in br) for br in (branch_a, branch_b)]
        if has_lif.count(True) != 1:
            self.fail(node, index, "a BasicBlock has exactly one branch with a LIF")
        main, skip = (branch_a, branch_b) if has_lif[0] else (branch_b, branch_a)
        kinds = [type(e.module) for e in main]
        if kinds != [QConv2d, nn.BatchNorm2d, LIF, QConv2d, nn.BatchNorm2d] or \
                [type(e.module) for e in skip] not in ([], [QConv2d, nn.BatchNorm2d]):
            self.fail(node, index, "the residual is not a BasicBlock (main: conv, "
                      "BN, LIF, conv, BN; shortcut: identity or conv, BN)")
        del self.entries[len(self.entries) - n:]
        shortcut = nn.Sequential(*[e.module for e in skip]) if skip else None
        self.pending[node.output[0]] = (common, [e.module for e in main], shortcut)
        self.rank[node.output[0]] = 4

    def chain(self, value):
        """``value`` and the values it was computed from, nearest first."""
        producers = {e.output: e for e in self.entries}
        out = [value]
        while value in producers:
            value = producers[value].source
            out.append(value)
        return out

    def branch(self, value, common):
        producers = {e.output: e for e in self.entries}
        out = []
        while value != common:
            entry = producers[value]
            out.insert(0, entry)
            value = entry.source
        return out

    def op_ReduceMean(self, node, index, attrs):
        if self.readout is None or node.input[0] != self.readout[0] or \
                list(attrs.get("axes", [])) != [0] or attrs.get("keepdims", 1) != 0:
            self.fail(node, index, "only the readout ReduceMean(axes=[0], "
                      "keepdims=0) of the step logits is supported")
        if self.entries and self.entries[-1].output != self.readout[1]:
            self.fail(node, index, "the readout must read the last layer")
        self.logits = node.output[0]

    # -- the result -----------------------------------------------------
    def network(self):
        if self.start is None:
            raise QSNNError("%s: no input encoding (Cast -> Sub -> Mul -> Tile "
                            "or Cast -> Reshape)" % self.path)
        if self.events:
            encoder = EventEncoder(self.T, self.input_shape)
        else:
            c = self.input_shape[0]
            zp = self.zero_point if self.zero_point is not None else np.zeros(c, np.float32)
            sc = self.scale if self.scale is not None else np.ones(c, np.float32)
            if zp.size == 1:
                zp = np.repeat(zp, c)
            if sc.size == 1:
                sc = np.repeat(sc, c)
            try:
                encoder = StaticEncoder(zp, sc, self.input_shape)
            except QSNNError as e:
                raise QSNNError("%s: %s" % (self.path, e)) from None
        names = self.meta.get("qsnn.class_names")
        try:
            class_names = json.loads(names) if names else []
        except json.JSONDecodeError:
            class_names = names.split(",")
        features = nn.Sequential(*[e.module for e in self.entries])
        return SpikingNetwork(encoder, features, self.T,
                              arch=self.meta.get("qsnn.arch", "custom"),
                              dataset=self.meta.get("qsnn.dataset", ""),
                              class_names=class_names)


def from_onnx(path, *, weight_norm="none"):
    """The SpikingNetwork of an ai.qsnn ONNX file (or of the folder holding
    model.onnx), in eval mode, with every weight, BatchNorm statistic and
    LIF alpha_u of the file. ``weight_norm`` is the WS-DR normalization the
    binary layers use from now on (see the module docstring)."""
    if weight_norm not in WEIGHT_NORMS:
        raise QSNNError("weight_norm must be one of %s, got %r"
                        % (", ".join(WEIGHT_NORMS), weight_norm))
    path = Path(path)
    if path.is_dir():
        path = path / "model.onnx"
    try:
        proto = onnx.load(str(path))
    except Exception as e:
        raise QSNNError("%s: cannot read an ONNX model (%s)"
                        % (path, str(e).splitlines()[0] if str(e) else type(e).__name__)) from None
    model = _Reader(proto, path, weight_norm).read()
    model.eval()
    # One forward of zeros: a graph whose layers do not fit together fails
    # here, with the reason, rather than in the user's first batch.
    layout = ((model.time_steps,) if model.encoder.is_events else ()) + (1,) + \
        tuple(model.encoder.input_shape)
    try:
        with torch.no_grad():
            model(torch.zeros(layout, dtype=torch.uint8))
    except Exception as e:
        raise QSNNError("%s: the rebuilt layers do not fit together: %s"
                        % (path, str(e).splitlines()[0])) from None
    return model
