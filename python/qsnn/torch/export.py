"""qsnn.torch.export: a SpikingNetwork to the ai.qsnn ONNX schema
(docs/spec.md §5), the same graph ``qsnn-train export`` writes
(lib/Train/OnnxExport.cpp): opset 17, QONNX weight quantizers (or float
initializers for 32-bit weights) feeding Conv/Gemm, BatchNormalization with
the running statistics, ai.qsnn::LIF with the running alpha_u, uint8 input
with in-graph normalization, and the mean-over-time readout.
"""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper

from .blocks import BasicBlock
from .encoding import EventEncoder, StaticEncoder
from .errors import QSNNError
from .functional import channel_scale, int8_scale, standardize_weight
from .network import SpikingNetwork
from .neuron import LIF, SCHEMA_MEMBRANE_BITS
from .onnx_graph import (IR_VERSION, ONNX_OPSET, QONNX_DOMAIN, QSNN_DOMAIN,
                         GraphBuilder, tensor_proto, tensor_type)
from .synapses import QConv2d, QLinear

PRODUCER = "qsnn.torch"
PRODUCER_VERSION = "0.1.0"
SUPPORTED = ("QConv2d, QLinear, nn.Conv2d, nn.Linear, nn.BatchNorm1d/2d, LIF, "
             "nn.AvgPool2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d(1), nn.Flatten, "
             "BasicBlock, nn.Identity, nn.Sequential")


def _where(path, module):
    return "%s (%s)" % (path, type(module).__name__)


def _pair(value):
    return list(value) if isinstance(value, (tuple, list)) else [value, value]


class _Value:
    """An emitted ONNX value and a one-sample torch tensor of the same shape
    (``shadow``), so that custom-op outputs get exact value_info shapes."""

    def __init__(self, name, shadow):
        self.name, self.shadow = name, shadow


class _Emitter:
    def __init__(self, model):
        self.b = GraphBuilder()
        self.model = model

    # -- helpers --------------------------------------------------------
    def _run(self, path, module, x):
        """The module's eval forward on a shadow; a failure names it."""
        try:
            return module(x)
        except Exception as e:  # shapes the sample does not fit, mostly
            raise QSNNError("%s: cannot take the %s input of this sample: %s"
                            % (_where(path, module), list(x.shape),
                               str(e).splitlines()[0])) from None

    def _fail(self, path, module, why):
        raise QSNNError("%s: %s" % (_where(path, module), why))

    # -- layers ---------------------------------------------------------
    def synapse(self, path, module, x):
        conv = isinstance(module, nn.Conv2d)
        if conv:
            if module.groups != 1 or tuple(module.dilation) != (1, 1):
                self._fail(path, module, "groups and dilation must be 1")
            if module.padding_mode != "zeros" or isinstance(module.padding, str):
                self._fail(path, module, "padding must be explicit zero padding")
            if x.shadow.dim() != 4:
                self._fail(path, module, "needs an [T*N, C, H, W] input, got %s"
                           % list(x.shadow.shape))
        elif x.shadow.dim() != 2:
            self._fail(path, module, "needs a flat [T*N, F] input, got %s; "
                       "put nn.Flatten() before it" % list(x.shadow.shape))
        shadow = self._run(path, module, x.shadow)
        inputs = [x.name, self._weight(module)]
        if module.bias is not None:
            inputs.append(self.b.initializer("bias", module.bias))
        if conv:
            kernel, stride, pad = (_pair(module.kernel_size), _pair(module.stride),
                                   _pair(module.padding))
            out = self.b.node("Conv", inputs, "conv", attributes=[
                ("kernel_shape", kernel), ("strides", stride),
                ("pads", pad + pad)])
        else:
            out = self.b.node("Gemm", inputs, "gemm", attributes=[("transB", 1)])
        return _Value(out, shadow)

    def _weight(self, module):
        """The weight input of Conv/Gemm: a quantizer's output or, for float
        weights, the initializer itself (which carries its own shape)."""
        bits = getattr(module, "weight_bits", 32)
        w = module.weight.detach()
        if bits == 32:
            return self.b.initializer("w", w)
        if bits == 1:
            # BipolarQuant(W_hat, alpha) = alpha * sign(W_hat), sign(0) = +1.
            w_hat = standardize_weight(w, module.weight_norm)
            out = self.b.node("BipolarQuant", [
                self.b.initializer("w_hat", w_hat),
                self.b.initializer("alpha_w", channel_scale(w_hat))],
                "w_bin", QONNX_DOMAIN)
        else:
            out = self.b.node("Quant", [
                self.b.initializer("w", w),
                self.b.initializer("w_scale", int8_scale(w)),
                self.b.initializer("w_zero", torch.zeros(())),
                self.b.initializer("w_bits", torch.full((), 8.0))],
                "w_q8", QONNX_DOMAIN, attributes=[
                    ("signed", 1), ("narrow", 1), ("rounding_mode", "ROUND")])
        self.b.float_value_info(out, list(w.shape))
        return out

    def batch_norm(self, path, module, x):
        rank = 4 if isinstance(module, nn.BatchNorm2d) else 2
        if x.shadow.dim() != rank:
            self._fail(path, module, "needs a rank-%d input, got %s"
                       % (rank, list(x.shadow.shape)))
        if module.running_mean is None:
            self._fail(path, module, "needs running statistics "
                       "(track_running_stats=True)")
        shadow = self._run(path, module, x.shadow)
        c = module.num_features
        gamma = module.weight if module.affine else torch.ones(c)
        beta = module.bias if module.affine else torch.zeros(c)
        out = self.b.node("BatchNormalization", [
            x.name, self.b.initializer("bn_scale", gamma.detach()),
            self.b.initializer("bn_bias", beta.detach()),
            self.b.initializer("bn_mean", module.running_mean),
            self.b.initializer("bn_var", module.running_var)],
            "bn", attributes=[("epsilon", float(module.eps))])
        return _Value(out, shadow)

    def lif(self, path, module, x):
        T = self.model.time_steps
        if module.time_steps != T:
            self._fail(path, module, "time_steps=%d differs from the network's "
                       "T = %d" % (module.time_steps, T))
        if module.membrane_bits not in SCHEMA_MEMBRANE_BITS:
            self._fail(path, module, "membrane_bits=%d is outside the ai.qsnn "
                       "schema (2, 4, 8 or 32)" % module.membrane_bits)
        alpha = float(module.alpha_hat)
        if module.membrane_bits != 32 and not (np.isfinite(alpha) and alpha > 0):
            self._fail(path, module, "alpha_hat=%r: a quantized membrane needs "
                       "a positive trained range alpha_u" % alpha)
        shadow = self._run(path, module, x.shadow)
        out = self.b.node("LIF", [x.name], "spikes", QSNN_DOMAIN, attributes=[
            ("time_steps", int(T)), ("tau", float(module.tau)),
            ("threshold", float(module.threshold)),
            ("membrane_bits", int(module.membrane_bits)),
            ("levels", module.levels), ("fire_on", module.fire_on),
            ("alpha_u", alpha), ("reset", "hard")])
        self.b.float_value_info(out, [-1] + list(shadow.shape[1:]))
        return _Value(out, shadow)

    def pool(self, path, module, x):
        if x.shadow.dim() != 4:
            self._fail(path, module, "needs an [T*N, C, H, W] input")
        if isinstance(module, nn.AdaptiveAvgPool2d):
            if _pair(module.output_size) != [1, 1]:
                self._fail(path, module, "only output_size=1 (global average "
                           "pooling) is supported")
            out = self.b.node("GlobalAveragePool", [x.name], "gap")
        else:
            if _pair(module.padding) != [0, 0] or module.ceil_mode:
                self._fail(path, module, "padding and ceil_mode are not "
                           "supported (the deployed sums need equal windows)")
            if isinstance(module, nn.AvgPool2d) and module.divisor_override:
                self._fail(path, module, "divisor_override is not supported")
            if isinstance(module, nn.MaxPool2d) and (
                    _pair(module.dilation) != [1, 1] or module.return_indices):
                self._fail(path, module, "dilation and return_indices are not "
                           "supported")
            kernel = _pair(module.kernel_size)
            stride = _pair(module.stride if module.stride is not None else
                           module.kernel_size)
            op = "AveragePool" if isinstance(module, nn.AvgPool2d) else "MaxPool"
            out = self.b.node(op, [x.name], "pool", attributes=[
                ("kernel_shape", kernel), ("strides", stride)])
        return _Value(out, self._run(path, module, x.shadow))

    def flatten(self, path, module, x):
        if module.start_dim != 1 or module.end_dim != -1:
            self._fail(path, module, "only start_dim=1, end_dim=-1 is supported")
        out = self.b.node("Flatten", [x.name], "flat", attributes=[("axis", 1)])
        return _Value(out, self._run(path, module, x.shadow))

    def block(self, path, module, x):
        main = x
        for name in ("conv1", "bn1", "lif1", "conv2", "bn2"):
            main = self.stage("%s.%s" % (path, name), getattr(module, name), main)
        skip = x
        if module.shortcut is not None:
            if not isinstance(module.shortcut, nn.Sequential):
                self._fail(path + ".shortcut", module.shortcut,
                           "a shortcut is None or nn.Sequential(conv, bn)")
            for name, child in module.shortcut.named_children():
                skip = self.stage("%s.shortcut.%s" % (path, name), child, skip)
        if list(main.shadow.shape) != list(skip.shadow.shape):
            self._fail(path, module, "main branch %s and shortcut %s differ in "
                       "shape" % (list(main.shadow.shape), list(skip.shadow.shape)))
        added = _Value(self.b.node("Add", [main.name, skip.name], "residual"),
                       main.shadow + skip.shadow)
        return self.stage(path + ".lif2", module.lif2, added)

    def stage(self, path, module, x):
        if isinstance(module, (QConv2d, QLinear, nn.Conv2d, nn.Linear)):
            return self.synapse(path, module, x)
        if isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
            return self.batch_norm(path, module, x)
        if isinstance(module, LIF):
            return self.lif(path, module, x)
        if isinstance(module, (nn.AvgPool2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d)):
            return self.pool(path, module, x)
        if isinstance(module, nn.Flatten):
            return self.flatten(path, module, x)
        if isinstance(module, BasicBlock):
            return self.block(path, module, x)
        if isinstance(module, nn.Identity):
            return x
        if isinstance(module, nn.Sequential):
            for name, child in module.named_children():
                x = self.stage("%s.%s" % (path, name), child, x)
            return x
        self._fail(path, module, "not supported by the ai.qsnn schema "
                   "(supported: %s)" % SUPPORTED)


def _input_shape(model, sample):
    """(C, H, W) from the encoder and/or the sample; checks the sample."""
    encoder = model.encoder
    events = isinstance(encoder, EventEncoder)
    where = _where("encoder", encoder)
    declared = encoder.input_shape
    if sample is None:
        if declared is None:
            raise QSNNError("%s: no input_shape; pass a sample to export" % where)
        return declared
    layout = "[T, N, C, H, W] with T = %d" % model.time_steps if events \
        else "[N, C, H, W]"
    rank = 5 if events else 4
    if sample.dtype != torch.uint8 or sample.dim() != rank or \
            (events and sample.size(0) != model.time_steps) or \
            sample.size(rank - 4) < 1:
        raise QSNNError("%s: the sample must be uint8 %s, got %s %s"
                        % (where, layout, str(sample.dtype).replace("torch.", ""),
                           list(sample.shape)))
    shape = tuple(sample.shape[rank - 3:])
    if declared is not None and shape != tuple(declared):
        raise QSNNError("%s: the sample's images are %s, the model's input_shape "
                        "is %s" % (where, list(shape), list(declared)))
    if not events and shape[0] != encoder.channels:
        raise QSNNError("%s: the sample has %d channels, the zero point %d"
                        % (where, shape[0], encoder.channels))
    return shape


def build_model_proto(model, input_shape):
    """The ModelProto of a SpikingNetwork in eval mode (no checks beyond the
    emitters'); ``input_shape`` is (C, H, W)."""
    T = model.time_steps
    c, h, w = input_shape
    em = _Emitter(model)
    b = em.b
    events = isinstance(model.encoder, EventEncoder)
    if not events and not isinstance(model.encoder, StaticEncoder):
        raise QSNNError("%s: the encoder must be a StaticEncoder or an "
                        "EventEncoder" % _where("encoder", model.encoder))
    input_name = b.unique_name("input")
    input_dims = ([T] if events else []) + [-1, c, h, w]
    graph_input = tensor_type(input_name, TensorProto.UINT8, input_dims, "N")
    x = b.node("Cast", [input_name], "input_f32",
               attributes=[("to", TensorProto.FLOAT)])
    shadow = torch.zeros(T, c, h, w)
    if events:
        x = b.node("Reshape", [x, b.int64_initializer("merged_shape",
                                                      [-1, c, h, w])], "merged")
    else:
        enc = model.encoder
        x = b.node("Sub", [x, b.initializer("zero_point", enc.zero_point)], "centered")
        x = b.node("Mul", [x, b.initializer("scale", enc.scale)], "normalized")
        x = b.node("Tile", [x, b.int64_initializer("repeats", [T, 1, 1, 1])],
                   "repeated")
        shadow = enc(torch.zeros(1, c, h, w, dtype=torch.uint8)).repeat(T, 1, 1, 1)
    value = _Value(x, shadow)

    stage_list = model.stages()
    if not any(isinstance(m, LIF) for _, s in stage_list for m in s.modules()):
        raise QSNNError("%s: the network has no LIF neuron; the ai.qsnn schema "
                        "describes spiking networks (add a LIF after the first "
                        "layer)" % _where("features", model.features))
    for path, stage in stage_list:
        value = em.stage(path, stage, value)
    last_path, last = stage_list[-1]
    if not isinstance(last, (QLinear, nn.Linear)) or value.shadow.dim() != 2:
        raise QSNNError("%s: the readout needs class logits [T*N, K] from a "
                        "final QLinear/nn.Linear classifier, this stage gives %s"
                        % (_where(last_path, last), list(value.shadow.shape)))
    k = value.shadow.size(1)
    per_step = b.node("Reshape", [value.name, b.int64_initializer(
        "readout_shape", [T, -1, k])], "step_logits")
    logits = b.node("ReduceMean", [per_step], "logits",
                    attributes=[("axes", [0]), ("keepdims", 0)])
    graph_output = tensor_type(logits, TensorProto.FLOAT, [-1, k], "N")

    graph = helper.make_graph(b.nodes, "qsnn_" + model.arch, [graph_input],
                              [graph_output], initializer=b.initializers,
                              value_info=b.value_info)
    proto = onnx.ModelProto()
    proto.ir_version = IR_VERSION
    proto.producer_name = PRODUCER
    proto.producer_version = PRODUCER_VERSION
    for domain in (("", ONNX_OPSET), (QSNN_DOMAIN, 1), (QONNX_DOMAIN, 1)):
        proto.opset_import.append(helper.make_opsetid(*domain))
    proto.graph.CopyFrom(graph)
    metadata = [("qsnn.schema_version", "1"), ("qsnn.time_steps", str(T)),
                ("qsnn.input_kind", "events" if events else "static"),
                ("qsnn.arch", model.arch), ("qsnn.dataset", model.dataset)]
    if model.class_names:
        metadata.append(("qsnn.class_names", json.dumps(
            model.class_names, separators=(",", ":"), ensure_ascii=False)))
    for key, val in metadata:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, val
    return proto


def _as_tensor(sample):
    if sample is None or isinstance(sample, torch.Tensor):
        return sample
    return torch.from_numpy(np.array(sample))  # a copy: numpy views may be read-only


def export(model, path, sample=None):
    """Writes ``path``/model.onnx and, with a sample, the ONNX backend test
    vectors ``path``/test_data_set_0/input_0.pb (the sample, uint8) and
    output_0.pb (the float logits of the model in eval mode).

    ``model`` is a SpikingNetwork; ``sample`` a uint8 batch in its input
    layout ([N, C, H, W], or [T, N, C, H, W] for events; a tensor or a numpy
    array). The model passes ``onnx.checker.check_model(full_check=True)``
    before anything is written; every file is written into a temporary
    folder beside ``path`` and renamed into place. Unsupported modules or
    settings raise QSNNError naming the module path. The model's training
    mode is restored afterwards. Returns the path of model.onnx.
    """
    path = Path(path)
    if not isinstance(model, SpikingNetwork):
        raise QSNNError("%s: export takes a qsnn.torch.SpikingNetwork "
                        "(encoder, features, time_steps)" % _where("model", model))
    if path.exists() and not path.is_dir():
        raise QSNNError("%s is not a directory: export writes model.onnx and "
                        "test_data_set_0/ into a folder" % path)
    sample = _as_tensor(sample)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            shape = _input_shape(model, sample)
            proto = build_model_proto(model, shape)
            logits = model(sample) if sample is not None else None
    finally:
        model.train(was_training)
    try:
        onnx.checker.check_model(proto, full_check=True)
    except Exception as e:
        raise QSNNError("the exported graph fails the ONNX check: %s" % e) from None
    files = {"model.onnx": proto.SerializeToString()}
    if sample is not None:
        graph = proto.graph
        files["test_data_set_0/input_0.pb"] = tensor_proto(
            sample, graph.input[0].name).SerializeToString()
        files["test_data_set_0/output_0.pb"] = tensor_proto(
            logits.float(), graph.output[0].name).SerializeToString()
    _write_atomically(path, files)
    return path / "model.onnx"


def _write_atomically(path, files):
    """Writes ``files`` (relative name -> bytes) into a temporary folder
    beside ``path``, then moves each top-level entry into ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / (".%s.tmp.%d" % (path.name, os.getpid()))
    shutil.rmtree(temp, ignore_errors=True)
    try:
        for name, data in files.items():
            target = temp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if not path.exists():
            os.rename(temp, path)
            return
        if "test_data_set_0/input_0.pb" not in files:
            # Vectors of an earlier export would not match this model.
            shutil.rmtree(path / "test_data_set_0", ignore_errors=True)
        for entry in sorted(temp.iterdir(), key=lambda p: p.name != "test_data_set_0"):
            destination = path / entry.name
            if entry.is_dir():
                shutil.rmtree(destination, ignore_errors=True)
            os.replace(entry, destination)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
