"""Reference models of a Q-SNN ONNX file (docs/spec.md §3 and §4) in numpy.

Written independently of the compiler, as the oracle the compiled artifacts
are checked against:

* ``float_forward`` runs the trained float model in eval mode (float32, as
  the trainer does);
* ``integer_forward`` derives the deployed integer model from the same ONNX
  graph (per-layer fractional bits F, multipliers A, biases B, thresholds) and
  runs it in exact integer arithmetic, returning the integer logits z and
  every LIF layer's spikes.

Both understand the ``ai.qsnn`` v1 schema: uint8 input -> Cast -> Sub zp ->
Mul sc -> Tile over T, QONNX Quant/BipolarQuant weights on Conv/Gemm,
BatchNormalization, ai.qsnn LIF, Average/MaxPool, Add (residuals), Flatten,
and the Reshape + ReduceMean readout.
"""
import math

import numpy as np
import onnx
from onnx import numpy_helper

QUANT_DOMAINS = ("qonnx.custom_op.general", "onnx.brevitas",
                 "finn.custom_op.general")


class ReferenceError(Exception):
    """A graph the reference does not understand, with the node named."""


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _rne(x):
    """Round half to even of a Python float, as an exact int."""
    return int(round(x))  # Python's round is half-to-even on floats


def _conv_geometry(node, weight_shape, attrs, in_hw):
    kh, kw = weight_shape[2], weight_shape[3]
    strides = attrs.get("strides", [1, 1])
    dil = attrs.get("dilations", [1, 1])
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    auto = _text(attrs.get("auto_pad", "NOTSET"))
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0, 0, 0, 0]
        for d, (size, k) in enumerate(zip(in_hw, (kh, kw))):
            out = -(-size // strides[d])
            total = max(0, (out - 1) * strides[d] + (k - 1) * dil[d] + 1 - size)
            small, big = total // 2, total - total // 2
            pads[d], pads[d + 2] = ((small, big) if auto == "SAME_UPPER"
                                    else (big, small))
    elif auto == "VALID":
        pads = [0, 0, 0, 0]
    return strides, dil, pads


def _conv(x, w, strides, dil, pads, groups):
    """Direct convolution of x [N, C, H, W] with w [O, C/g, kh, kw]; keeps
    the dtype (int64 stays exact)."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]),
                  dtype=x.dtype)
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    oh = (xp.shape[2] - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (xp.shape[3] - dil[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, o, oh, ow), dtype=np.result_type(x.dtype, w.dtype))
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil[0]:i * dil[0] + strides[0] * oh:strides[0],
                           j * dil[1]:j * dil[1] + strides[1] * ow:strides[1]]
                out[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, ws[:, :, i, j])
    return out


def _pool_windows(x, attrs, fill):
    k = attrs["kernel_shape"]
    s = attrs.get("strides", [1, 1])
    p = list(attrs.get("pads", [0, 0, 0, 0]))
    if attrs.get("ceil_mode", 0):
        raise ReferenceError("ceil_mode pooling is not used by Q-SNNs")
    n, c, h, w = x.shape
    xp = np.full((n, c, h + p[0] + p[2], w + p[1] + p[3]), fill, dtype=x.dtype)
    xp[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = x
    oh = (xp.shape[2] - k[0]) // s[0] + 1
    ow = (xp.shape[3] - k[1]) // s[1] + 1
    return [xp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]]
            for i in range(k[0]) for j in range(k[1])], p


class _Model:
    """The parts of an ONNX Q-SNN both references need."""

    def __init__(self, path_or_model):
        m = (path_or_model if isinstance(path_or_model, onnx.ModelProto)
             else onnx.load(path_or_model))
        self.graph = m.graph
        meta = {p.key: p.value for p in m.metadata_props}
        self.time_steps = int(meta.get("qsnn.time_steps", "1"))
        self.consts = {t.name: numpy_helper.to_array(t)
                       for t in m.graph.initializer}
        for node in m.graph.node:
            if node.op_type == "Constant":
                self.consts[node.output[0]] = numpy_helper.to_array(
                    _attrs(node)["value"])

    def weight(self, name, where):
        """(integer weights, per-output-channel scale) of a quantizer output."""
        producer = next((n for n in self.graph.node if name in n.output), None)
        if producer is None or producer.domain not in QUANT_DOMAINS:
            raise ReferenceError("%s: weight %s is not quantized" % (where, name))
        if producer.op_type == "BipolarQuant":
            w_hat = self.consts[producer.input[0]]
            alpha = self.consts[producer.input[1]].astype(np.float64)
            sign = np.where(w_hat >= 0, 1, -1).astype(np.int64)
            return sign, np.broadcast_to(alpha.reshape(-1),
                                         (sign.shape[0],)).copy()
        if producer.op_type in ("Quant", "IntQuant"):
            # QONNX's Quant divides in float32, as the trainer's fake
            # quantization does; ties round half to even.
            w = self.consts[producer.input[0]].astype(np.float32)
            s32 = np.float32(np.asarray(self.consts[producer.input[1]])
                             .reshape(-1)[0])
            q = np.clip(np.round(w / s32), -127, 127).astype(np.int64)
            s = float(s32)
            return q, np.full(q.shape[0], s)
        raise ReferenceError("%s: unknown quantizer %s" % (where,
                                                           producer.op_type))


def float_forward(model, pixels):
    """Float eval model (§3): returns (logits [N, K] float32, {lif: spikes})."""
    m = model if isinstance(model, _Model) else _Model(model)
    vals = dict((k, v.astype(np.float32) if v.dtype == np.float64 else v)
                for k, v in m.consts.items())
    vals[m.graph.input[0].name] = pixels
    spikes = {}
    for index, node in enumerate(m.graph.node):
        where = "node %s (%s, #%d)" % (node.name, node.op_type, index)
        a = _attrs(node)
        x = [vals.get(i) for i in node.input]
        op = node.op_type
        if node.domain in QUANT_DOMAINS:
            q, s = m.weight(node.output[0], where)
            shape = (-1,) + (1,) * (q.ndim - 1)
            out = (q * s.reshape(shape)).astype(np.float32)
        elif op == "Constant":
            out = m.consts[node.output[0]]
        elif op == "Cast":
            out = x[0].astype(np.float32)
        elif op in ("Sub", "Mul", "Add", "Div"):
            f = {"Sub": np.subtract, "Mul": np.multiply, "Add": np.add,
                 "Div": np.divide}[op]
            out = f(x[0], x[1]).astype(np.float32)
        elif op == "Tile":
            out = np.tile(x[0], x[1])
        elif op == "Conv":
            strides, dil, pads = _conv_geometry(node, x[1].shape, a,
                                                x[0].shape[2:])
            out = _conv(x[0], x[1], strides, dil, pads, a.get("group", 1))
            if len(x) > 2 and x[2] is not None:
                out = out + x[2].reshape(1, -1, 1, 1)
        elif op == "Gemm":
            w = x[1].T if a.get("transB", 0) else x[1]
            out = a.get("alpha", 1.0) * (x[0] @ w)
            if len(x) > 2 and x[2] is not None:
                out = out + a.get("beta", 1.0) * x[2]
        elif op == "BatchNormalization":
            shape = (1, -1) + (1,) * (x[0].ndim - 2)
            g = x[1] / np.sqrt(x[4] + np.float32(a.get("epsilon", 1e-5)))
            out = ((x[0] - x[3].reshape(shape)) * g.reshape(shape)
                   + x[2].reshape(shape))
        elif op == "LIF":
            out = _float_lif(x[0], a)
            spikes[node.output[0]] = out
        elif op == "AveragePool":
            windows, _ = _pool_windows(x[0], a, 0)
            out = sum(windows) / np.float32(len(windows))
        elif op == "MaxPool":
            windows, _ = _pool_windows(x[0], a, -np.inf)
            out = np.maximum.reduce(windows)
        elif op == "GlobalAveragePool":
            out = x[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            out = x[0].reshape(x[0].shape[0], -1)
        elif op == "Reshape":
            out = x[0].reshape(x[1])
        elif op == "ReduceMean":
            out = x[0].mean(axis=tuple(a["axes"]),
                            keepdims=bool(a.get("keepdims", 1)))
        elif op == "Identity":
            out = x[0]
        else:
            raise ReferenceError("%s: not supported" % where)
        vals[node.output[0]] = np.asarray(out, dtype=np.float32) \
            if np.asarray(out).dtype.kind == "f" else out
    return vals[m.graph.output[0].name], spikes


def _levels(attrs):
    k = attrs["membrane_bits"]
    if k == 32:
        return 0
    return (1 << (k - 1)) - 1 if _text(attrs.get("levels", "signed")) == \
        "signed" else (1 << k) - 1


def _float_lif(current, attrs):
    T = attrs["time_steps"]
    tau = np.float32(attrs.get("tau", 0.5))
    theta = np.float32(attrs.get("threshold", 1.0))
    L = _levels(attrs)
    full = _text(attrs.get("fire_on", "full")) == "full"
    alpha = np.float32(attrs.get("alpha_u", 1.0))
    steps = current.reshape((T, -1) + current.shape[1:])

    def quantize(h):
        if L == 0:
            return h
        return (alpha / np.float32(L)) * np.round(
            np.float32(L) * np.clip(h / alpha, -1, 1))

    u = np.zeros_like(steps[0])
    out = np.zeros_like(steps)
    for t in range(T):
        h = tau * u + steps[t]
        if full:
            s = (h >= theta).astype(np.float32)
            u = quantize(h * (1 - s))
        else:
            q = quantize(h)
            s = (q >= theta).astype(np.float32)
            u = q * (1 - s)
        out[t] = s
    return out.reshape(current.shape)


class _Affine:
    """A float tensor held exactly as sum_i a_i[o] * c_i + b[o]: integer
    tensors c_i (int64) with per-channel float64 multipliers."""

    def __init__(self, terms, bias):
        self.terms = terms  # list of (a [O] float64, c int64 [M, O, ...])
        self.bias = bias    # [O] float64

    def scaled(self, g, shift):
        return _Affine([(a * g, c) for a, c in self.terms], self.bias * g + shift)


class _Ints:
    """An integer tensor whose float value is c * scale[channel] / divisor."""

    def __init__(self, c, scale, divisor=1):
        self.c, self.scale, self.divisor = c, scale, divisor


def integer_forward(model, pixels, multiplier_bits=24, readout_constants=None):
    """Deployed integer model (§4): returns (z [N, K] int64, readout F,
    {lif name: spikes uint8}, {lif name: constants}).

    Each LIF's constants also hold its multipliers "A" (one list per term of
    its current, in graph order) and biases "B". When ``readout_constants``
    is a dict, it receives the readout's "F", "A" and "B"."""
    m = model if isinstance(model, _Model) else _Model(model)
    P = multiplier_bits
    vals = {m.graph.input[0].name: _Ints(pixels.astype(np.int64), None)}
    spikes, constants = {}, {}
    result = None
    for index, node in enumerate(m.graph.node):
        where = "node %s (%s, #%d)" % (node.name, node.op_type, index)
        a = _attrs(node)
        op = node.op_type
        x = vals.get(node.input[0]) if node.input else None
        if node.domain in QUANT_DOMAINS or op == "Constant":
            continue
        if op == "Cast":
            out = x
        elif op == "Sub":
            zp = m.consts[node.input[1]].astype(np.float64).reshape(-1)
            if np.any(zp != np.round(zp)):
                raise ReferenceError("%s: zero point is not an integer" % where)
            shape = (1, -1) + (1,) * (x.c.ndim - 2)
            out = _Ints(x.c - zp.astype(np.int64).reshape(shape), None)
        elif op == "Mul":
            out = _Ints(x.c, m.consts[node.input[1]].astype(np.float64)
                        .reshape(-1))
        elif op == "Tile":
            out = _Ints(np.tile(x.c, m.consts[node.input[1]]), x.scale,
                        x.divisor)
        elif op in ("Conv", "Gemm"):
            q, s = m.weight(node.input[1], where)
            if op == "Gemm" and not a.get("transB", 0):
                q = q.T
            channels = x.c.shape[1]
            in_scale = (np.ones(channels) if x.scale is None
                        else np.broadcast_to(x.scale, (channels,)))
            # One integer sum per distinct input scale (docs/spec.md §4).
            groups = {}
            for ci in range(channels):
                groups.setdefault(float(in_scale[ci]), []).append(ci)
            terms = []
            for sc, cis in groups.items():
                mask = np.zeros(channels, dtype=np.int64)
                mask[cis] = 1
                if op == "Conv":
                    strides, dil, pads = _conv_geometry(node, q.shape, a,
                                                        x.c.shape[2:])
                    wq = q * mask.reshape(1, -1, 1, 1)
                    c = _conv(x.c, wq, strides, dil, pads, a.get("group", 1))
                else:
                    c = x.c @ (q * mask.reshape(1, -1)).T
                terms.append((s * sc / x.divisor, c))
            bias = np.zeros(q.shape[0])
            if len(node.input) > 2 and node.input[2]:
                bias = (a.get("beta", 1.0) * m.consts[node.input[2]]
                        .astype(np.float64).reshape(-1))
            if op == "Gemm" and a.get("alpha", 1.0) != 1.0:
                terms = [(t * a["alpha"], c) for t, c in terms]
            out = _Affine(terms, np.broadcast_to(bias, (q.shape[0],)).copy())
        elif op == "BatchNormalization":
            gamma, beta, mean, var = (m.consts[n].astype(np.float64)
                                      for n in node.input[1:5])
            g = gamma / np.sqrt(var + np.float64(np.float32(a.get("epsilon",
                                                                  1e-5))))
            out = x.scaled(g, beta - mean * g)
        elif op == "Add":
            y = vals[node.input[1]]
            out = _join(x, y, where)
        elif op == "LIF":
            s, consts = _integer_lif(x, a, P, where)
            spikes[node.output[0]] = s
            constants[node.output[0]] = consts
            out = _Ints(s, None)
        elif op == "AveragePool":
            windows, pads = _pool_windows(x.c, a, 0)
            if any(pads) and not a.get("count_include_pad", 0):
                raise ReferenceError("%s: border divisors vary" % where)
            out = _Ints(sum(windows), x.scale, x.divisor * len(windows))
        elif op == "MaxPool":
            windows, _ = _pool_windows(x.c, a, 0)
            out = _Ints(np.maximum.reduce(windows), x.scale, x.divisor)
        elif op == "GlobalAveragePool":
            hw = x.c.shape[2] * x.c.shape[3]
            out = _Ints(x.c.sum(axis=(2, 3), keepdims=True), x.scale,
                        x.divisor * hw)
        elif op == "Flatten":
            out = _Ints(x.c.reshape(x.c.shape[0], -1), x.scale, x.divisor)
        elif op == "Reshape":
            out = x  # the readout's [T*N, K] -> [T, N, K]
        elif op == "ReduceMean":
            result = _integer_readout(x, m.time_steps, P, where,
                                      readout_constants)
            out = None
        elif op == "Identity":
            out = x
        else:
            raise ReferenceError("%s: not supported" % where)
        vals[node.output[0]] = out
    if result is None:
        raise ReferenceError("no readout (Reshape + ReduceMean) found")
    z, F = result
    return z, F, spikes, constants


def _join(x, y, where):
    if isinstance(x, _Ints):
        x, y = y, x
    if isinstance(y, _Ints):  # identity shortcut of spikes
        if y.scale is not None or y.divisor != 1:
            raise ReferenceError("%s: shortcut is not spikes" % where)
        ones = np.ones(x.bias.shape[0])
        return _Affine(x.terms + [(ones, y.c)], x.bias)
    return _Affine(x.terms + y.terms, x.bias + y.bias)


def _frac_bits(multipliers, P):
    largest = max(float(np.max(np.abs(a))) for a in multipliers)
    return P - 1 - math.floor(math.log2(largest))


def _integer_multipliers(x, unit, F):
    """([A_i per term], B) with A = rne(a / unit * 2^F), B likewise."""
    scale = 2.0 ** F
    As = [[_rne(v / unit * scale) for v in a] for a, _ in x.terms]
    return As, [_rne(v / unit * scale) for v in x.bias]


def _integer_current(x, unit, F):
    """g = sum_i A_i[o] c_i + B[o] with A = rne(a / unit * 2^F)."""
    shape = lambda c: (1, -1) + (1,) * (c.ndim - 2)
    total = 0
    scale = 2.0 ** F
    for a, c in x.terms:
        A = np.array([_rne(v / unit * scale) for v in a], dtype=object)
        total = total + c.astype(object) * A.reshape(shape(c))
    B = np.array([_rne(v / unit * scale) for v in x.bias], dtype=object)
    c0 = x.terms[0][1]
    return total + B.reshape(shape(c0))


def _integer_lif(x, attrs, P, where):
    if not isinstance(x, _Affine):
        raise ReferenceError("%s: LIF input is not a synaptic current" % where)
    L = _levels(attrs)
    if L == 0:
        raise ReferenceError("%s: k = 32 has no integer form" % where)
    T = attrs["time_steps"]
    unit = attrs["alpha_u"] / L  # Delta
    F = _frac_bits([a / unit for a, _ in x.terms], P)
    g_in = _integer_current(x, unit, F)
    tau_q = _rne(attrs.get("tau", 0.5) * 2.0 ** F)
    theta = attrs.get("threshold", 1.0)
    full = _text(attrs.get("fire_on", "full")) == "full"
    theta_g = math.ceil(theta / unit * 2.0 ** F)
    theta_m = math.ceil(theta / unit)
    half = 1 << (F - 1)
    steps = g_in.reshape((T, -1) + g_in.shape[1:])
    m = np.zeros(steps.shape[1:], dtype=object)
    out = np.zeros(steps.shape, dtype=np.uint8)
    for t in range(T):
        g = tau_q * m + steps[t]
        rounded = np.clip((g + half) // (1 << F), -L, L)  # floor shift
        if full:
            s = g >= theta_g
            m = np.where(s, 0, rounded)
        else:
            s = rounded >= theta_m
            m = np.where(s, 0, rounded)
        out[t] = s.astype(np.uint8)
    consts = {"F": F, "tau_q": tau_q, "theta_g": theta_g, "theta_m": theta_m,
              "L": L}
    consts["A"], consts["B"] = _integer_multipliers(x, unit, F)
    return out.reshape(g_in.shape).astype(np.int64), consts


def _integer_readout(x, T, P, where, constants=None):
    if not isinstance(x, _Affine):
        raise ReferenceError("%s: readout input is not a current" % where)
    F = _frac_bits([a for a, _ in x.terms], P)
    g = _integer_current(x, 1.0, F)  # per step: A c_t + B
    if constants is not None:
        constants["F"] = F
        constants["A"], constants["B"] = _integer_multipliers(x, 1.0, F)
    z = g.reshape((T, -1) + g.shape[1:]).sum(axis=0)
    return np.array(z.tolist(), dtype=np.int64), F
