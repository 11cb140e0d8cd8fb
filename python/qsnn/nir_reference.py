"""Reference model of a NIR graph discretized as docs/spec.md §8 says, in
numpy, written independently of the compiler: the oracle the float artifacts
of ``qsnn-compile model.nir`` are checked against.

``read(path)`` reads a NIR HDF5 file (versions 0.1 to 1.x, as the ``nir``
package writes them) with h5py; ``run(graph, frames, dt)`` simulates it on
input frames ``[T, N, ...]`` and returns ``{output node: [T, N, ...]}`` and
``{neuron: membrane [T, N, ...]}``. Arithmetic is float32 in the order §8.3
gives: ``I' = x * gain + bias``, ``h = u * decay + I'``, fire on ``h > θ``,
store ``v_reset`` after a spike.

``read`` calls HDF5 (through h5py) in the calling process, so it is for
files one trusts, such as the tests' own: a damaged file can crash HDF5
and the interpreter with it (docs/spec.md §8.1). ``qsnn-compile`` reads
untrusted files with HDF5 contained in a child process.
"""
import math

import h5py
import numpy as np

F32 = np.float32


class NirError(Exception):
    """A graph the reference does not understand, with the node named."""


def _text(value):
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0]
    return value.decode() if isinstance(value, bytes) else str(value)


def _read_group(group):
    out = {}
    for key, item in group.items():
        if isinstance(item, h5py.Group):
            out[key] = _read_group(item)
        else:
            value = item[()]
            if isinstance(value, (bytes, str)) or (
                    isinstance(value, np.ndarray) and value.dtype.kind in "OSU"):
                out[key] = value
            else:
                out[key] = np.asarray(value, dtype=np.float64)
    return out


def read(path):
    """{'nodes': {name: {param: value, 'type': str}}, 'edges': [(a, b)]}."""
    with h5py.File(path, "r") as f:
        top = _read_group(f["node"])
    nodes = {}
    for name, params in top["nodes"].items():
        params = dict(params)
        params["type"] = _text(params["type"])
        if params["type"] == "Integrator":
            params["type"] = "I"
        nodes[name] = params
    edges = [(_text(a), _text(b)) for a, b in np.asarray(top["edges"])] \
        if np.asarray(top["edges"]).size else []
    return {"nodes": nodes, "edges": edges}


def _order(graph):
    incoming = {n: [] for n in graph["nodes"]}
    for a, b in graph["edges"]:
        incoming[b].append(a)
    order, done = [], set()

    def visit(n, stack):
        if n in done:
            return
        if n in stack:
            raise NirError("cycle through node '%s'" % n)
        for m in incoming[n]:
            visit(m, stack | {n})
        done.add(n)
        order.append(n)

    for n in sorted(graph["nodes"]):
        visit(n, frozenset())
    return order, incoming


def _shape_of(params, key):
    if "shape" in params:
        return [int(v) for v in np.asarray(params["shape"]).reshape(-1)]
    value = params[key]
    if isinstance(value, dict):
        value = value[key.split("_")[0]]
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _pair(params, key, default):
    if key not in params:
        return [default, default]
    v = [int(x) for x in np.asarray(params[key]).reshape(-1)]
    return v * 2 if len(v) == 1 else v


def _conv2d(x, w, bias, stride, pads, dilation, groups):
    """x [N, C, H, W] float32; pads [top, left, bottom, right]."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pads[1] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n, o, oh, ow), np.float64)
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg].astype(np.float64)
        ws = w[g * og:(g + 1) * og].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dilation[0], j * dilation[1]
                patch = xs[:, :, r0:r0 + stride[0] * (oh - 1) + 1:stride[0],
                           c0:c0 + stride[1] * (ow - 1) + 1:stride[1]]
                y[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, ws[:, :, i, j])
    if bias is not None:
        y += bias.reshape(1, -1, 1, 1)
    return y.astype(F32)


def _sum_pool(x, kernel, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    n, c, h, w = xp.shape
    oh = (h - kernel[0]) // stride[0] + 1
    ow = (w - kernel[1]) // stride[1] + 1
    y = np.zeros((n, c, oh, ow), np.float64)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            y += xp[:, :, i:i + stride[0] * (oh - 1) + 1:stride[0],
                    j:j + stride[1] * (ow - 1) + 1:stride[1]]
    return y.astype(F32)


def _conv_pads(params, kernel, dilation, dims):
    if "padding" in params and isinstance(params["padding"], (bytes, str, np.ndarray)) \
            and np.asarray(params["padding"]).dtype.kind in "OSU":
        mode = _text(params["padding"])
        if mode == "valid":
            return [0] * dims, [0] * dims
        total = [dilation[d] * (kernel[d] - 1) for d in range(dims)]
        return [t // 2 for t in total], [t - t // 2 for t in total]
    p = _pair(params, "padding", 0)[:dims]
    return p, p


class _Neuron:
    """State and constants of one neuron node (§8.3)."""

    def __init__(self, decay, gain, bias, threshold, v_reset, fires):
        self.decay, self.gain, self.bias = F32(decay), gain, bias
        self.threshold, self.v_reset, self.fires = F32(threshold), F32(v_reset), fires
        self.u = None

    def step(self, x):
        current = x * self.gain if self.gain is not None else x
        if self.bias is not None:
            current = current + self.bias
        if self.u is None:
            self.u = np.zeros_like(current)
        h = (self.u * self.decay + current).astype(F32)
        if not self.fires:
            self.u = h
            return h, h
        s = h > self.threshold
        self.u = np.where(s, self.v_reset, h).astype(F32)
        return s.astype(F32), self.u


def _uniform(params, key, default=None):
    if key not in params:
        return default
    v = np.asarray(params[key]).reshape(-1)
    if not np.all(v == v[0]):
        raise NirError("parameter '%s' differs between neurons" % key)
    return float(v[0])


def _per_neuron(params, key, factor, shape, default=None):
    if key not in params:
        if default is None:
            return None
        return F32(default * factor)
    v = np.asarray(params[key], np.float64) * factor
    return (v.reshape(shape) if v.size > 1 else F32(v.reshape(-1)[0])).astype(F32)


def _make_neurons(kind, p, shape, dt):
    """One or two chained _Neuron (CubaLIF: synapse, then membrane)."""
    chainlist = []
    if kind in ("CubaLIF", "CubaLI"):
        k = dt / _uniform(p, "tau_syn")
        chainlist.append(_Neuron(F32(1 - k), _per_neuron(p, "w_in", k, shape, 1.0),
                                 None, 0.0, 0.0, False))
    k = 1.0
    if kind in ("LIF", "LI"):
        k = dt / _uniform(p, "tau")
    elif kind in ("CubaLIF", "CubaLI"):
        k = dt / _uniform(p, "tau_mem")
    fires = kind in ("LIF", "IF", "CubaLIF")
    bias = None if kind in ("IF", "I") else _per_neuron(p, "v_leak", k, shape)
    chainlist.append(_Neuron(F32(1 - k) if k != 1.0 else F32(1.0),
                             _per_neuron(p, "r", k, shape), bias,
                             _uniform(p, "v_threshold", 0.0) if fires else 0.0,
                             _uniform(p, "v_reset", 0.0) if fires else 0.0,
                             fires))
    return chainlist


def run(graph, frames, dt):
    """Simulates `graph` on {input node: frames [T, N, ...]} (or one array
    for a single input). Returns (outputs, membranes): dicts of float32
    [T, N, ...] per Output node and per firing neuron."""
    nodes = graph["nodes"]
    order, incoming = _order(graph)
    inputs = [n for n in sorted(nodes) if nodes[n]["type"] == "Input"]
    if not isinstance(frames, dict):
        frames = {inputs[0]: frames}
    steps = next(iter(frames.values())).shape[0]
    neurons = {}
    outputs = {n: [] for n in nodes if nodes[n]["type"] == "Output"}
    membranes = {}
    for t in range(steps):
        values = {}
        for name in order:
            p = nodes[name]
            kind = p["type"]
            if kind == "Input":
                values[name] = frames[name][t].astype(F32)
                continue
            srcs = incoming[name]
            x = values[srcs[0]]
            for s in srcs[1:]:
                x = (x + values[s]).astype(F32)
            values[name] = _node_step(name, kind, p, x, neurons, membranes, t,
                                      steps, dt)
            if kind == "Output":
                outputs[name].append(x)
    return ({k: np.stack(v) for k, v in outputs.items()},
            {k: np.stack(v) for k, v in membranes.items()})


def _node_step(name, kind, p, x, neurons, membranes, t, steps, dt):
    if kind == "Output":
        return x
    if kind in ("Affine", "Linear"):
        w = np.asarray(p["weight"], np.float64)
        y = x.astype(np.float64) @ w.T
        if kind == "Affine":
            y = y + np.asarray(p["bias"], np.float64)
        return y.astype(F32)
    if kind in ("Conv1d", "Conv2d"):
        w = np.asarray(p["weight"], F32)
        dims = 1 if kind == "Conv1d" else 2
        stride = _pair(p, "stride", 1)[:dims]
        dilation = _pair(p, "dilation", 1)[:dims]
        groups = int(np.asarray(p.get("groups", 1)).reshape(-1)[0])
        before, after = _conv_pads(p, w.shape[2:], dilation, dims)
        bias = np.asarray(p["bias"], np.float64) if "bias" in p else None
        if dims == 1:
            y = _conv2d(x[:, :, None, :], w[:, :, None, :], bias,
                        [1, stride[0]], [0, before[0], 0, after[0]],
                        [1, dilation[0]], groups)
            return y[:, :, 0, :]
        return _conv2d(x, w, bias, stride, [before[0], before[1], after[0],
                                            after[1]], dilation, groups)
    if kind in ("SumPool2d", "AvgPool2d"):
        kernel = _pair(p, "kernel_size", 1)
        y = _sum_pool(x, kernel, _pair(p, "stride", 1), _pair(p, "padding", 0))
        if kind == "AvgPool2d":
            y = (y / F32(kernel[0] * kernel[1])).astype(F32)
        return y
    if kind == "Flatten":
        rank = x.ndim - 1
        start = int(np.asarray(p.get("start_dim", 1)).reshape(-1)[0])
        end = int(np.asarray(p.get("end_dim", -1)).reshape(-1)[0])
        start, end = start % rank, end % rank
        shape = list(x.shape[1:])
        new = shape[:start] + [int(np.prod(shape[start:end + 1]))] + shape[end + 1:]
        return x.reshape([x.shape[0]] + new)
    if kind == "Scale":
        return (x * np.asarray(p["scale"], F32).reshape(
            x.shape[1:] if np.asarray(p["scale"]).size > 1 else ())).astype(F32)
    if kind == "Threshold":
        theta = np.asarray(p["threshold"], F32)
        theta = theta.reshape(x.shape[1:]) if theta.size > 1 else theta.reshape(())
        return (x > theta).astype(F32)
    if kind in ("LIF", "IF", "LI", "I", "CubaLIF", "CubaLI"):
        if name not in neurons:
            neurons[name] = _make_neurons(kind, p, x.shape[1:], dt)
        y = x
        for neuron in neurons[name]:
            y, u = neuron.step(y)
        if neurons[name][-1].fires:
            membranes.setdefault(name, []).append(u)
        return y
    raise NirError("node '%s' (%s): not supported by the reference" % (name, kind))


# --- The integer form (docs/spec.md §8.5) ----------------------------------
#
# ``run_integer(graph, frames, dt, membrane_bits, alpha_u)`` is the deployed
# integer model of a graph quantized after training: int8 per-output-channel
# weights (binary where a channel's weights are ±α), the synaptic currents
# as exact integer sums with double multipliers, and the integer LIF of
# §4.10 with a strict threshold. ``calibrate`` computes alpha_u from the
# float model as qsnn-compile --calibration-data does.


def calibrate(graph, frame_sets, dt):
    """{firing node: f32(max |stored membrane|)} over [T, S, ...] frames."""
    largest = {}
    for frames in frame_sets:
        _, membranes = run(graph, frames, dt)
        for name, u in membranes.items():
            largest[name] = max(largest.get(name, 0.0), float(np.max(np.abs(u))))
    return {k: (float(F32(v)) if v > 0 else 1.0) for k, v in largest.items()}


def quantize_weights(w):
    """(levels, scales, kind): binary when every channel is ±α, else int8
    with s = max|W[o]|/127 and q = clamp(rne(W/s), -127, 127), in float32."""
    w = np.asarray(w, F32)
    flat = w.reshape(w.shape[0], -1)
    alpha = np.abs(flat[:, 0])
    if np.all(alpha > 0) and np.all(np.abs(flat) == alpha[:, None]):
        return np.where(flat > 0, 1, -1).reshape(w.shape).astype(np.int64), \
            alpha.astype(F32), "binary"
    largest = np.max(np.abs(flat), axis=1)
    step = np.where(largest > 0, largest / F32(127), F32(1)).astype(F32)
    q = np.clip(np.rint((flat / step[:, None]).astype(F32)), -127, 127)
    return q.reshape(w.shape).astype(np.int64), step, "int8"


class _IntTensor:
    """Integer values c [T, N, ...] standing for c / divisor."""

    def __init__(self, values, divisor=1):
        self.values, self.divisor = values, divisor


class _Current:
    """sum_i a_i[o] * c_i + b[o]: terms (sums [T, N, O, ...], a [O])."""

    def __init__(self, terms, bias):
        self.terms, self.bias = terms, bias


def _int_conv(x, q, stride, pads, dilation, groups):
    """Exact sums: x int64 [M, C, H, W], q int64 [O, C/g, kh, kw]."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = q.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pads[1] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n, o, oh, ow), np.int64)
    og = o // groups
    for g in range(groups):
        xs, ws = xp[:, g * cg:(g + 1) * cg], q[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dilation[0], j * dilation[1]
                patch = xs[:, :, r0:r0 + stride[0] * (oh - 1) + 1:stride[0],
                           c0:c0 + stride[1] * (ow - 1) + 1:stride[1]]
                y[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, ws[:, :, i, j])
    return y


def _int_sum_pool(x, kernel, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    n, c, h, w = xp.shape
    oh = (h - kernel[0]) // stride[0] + 1
    ow = (w - kernel[1]) // stride[1] + 1
    y = np.zeros((n, c, oh, ow), np.int64)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            y += xp[:, :, i:i + stride[0] * (oh - 1) + 1:stride[0],
                    j:j + stride[1] * (ow - 1) + 1:stride[1]]
    return y


def _per_channel(values, channels, what, name):
    """One value per channel (dimension 0 of the neuron shape)."""
    v = np.asarray(values, np.float64).reshape(-1)
    if v.size == 1:
        return np.full(channels, v[0])
    v = v.reshape(channels, -1)
    if not np.all(v == v[:, :1]):
        raise NirError("node '%s': %s varies within a channel" % (name, what))
    return v[:, 0].copy()


def _merged(values):
    """[T, N, ...] -> [T*N, ...]."""
    return values.reshape((-1,) + values.shape[2:])


def _int_synaptic(name, kind, p, x, steps):
    q, scale, _ = quantize_weights(p["weight"])
    xm = _merged(x.values)
    if kind in ("Affine", "Linear"):
        sums = xm @ q.T
    else:
        dims = 1 if kind == "Conv1d" else 2
        if dims == 1:
            raise NirError("node '%s' (Conv1d): no integer form" % name)
        stride, dilation = _pair(p, "stride", 1), _pair(p, "dilation", 1)
        groups = int(np.asarray(p.get("groups", 1)).reshape(-1)[0])
        before, after = _conv_pads(p, q.shape[2:], dilation, 2)
        sums = _int_conv(xm, q, stride, [before[0], before[1], after[0],
                                         after[1]], dilation, groups)
    bias = np.zeros(q.shape[0])
    if kind != "Linear" and "bias" in p:
        bias = np.asarray(p["bias"], F32).astype(np.float64)
    a = scale.astype(np.float64) * 1.0 / float(x.divisor)
    sums = sums.reshape((steps, -1) + sums.shape[1:])
    return _Current([(sums, a)], bias)


class _IntNeuron:
    """The integer LIF of §4.10 with the strict threshold of §8.5."""

    def __init__(self, current, decay, theta, alpha, levels, bits):
        delta = float(F32(alpha)) / float(levels)
        largest = max(float(np.max(np.abs(a / delta)))
                      for _, a in current.terms)
        # math.log2 is the C library's log2, as the compiler's std::log2.
        frac = bits - 1 - int(math.floor(math.log2(largest)))
        if not 1 <= frac <= 62:
            raise NirError("frac_bits %d outside [1, 62]" % frac)
        scale = 2.0 ** frac
        self.mult = [np.rint(a / delta * scale).astype(np.int64)
                     for _, a in current.terms]
        self.bias = np.rint(current.bias / delta * scale).astype(np.int64)
        self.tau_q = int(np.rint(float(F32(decay)) * scale))
        self.theta = int(np.floor(float(F32(theta)) / delta * scale)) + 1
        self.frac, self.levels = frac, levels

    def run(self, current):
        def channel(v, sums):
            return v.reshape((1, -1) + (1,) * (sums.ndim - 2))
        g_in = None
        for (sums, _), mult in zip(current.terms, self.mult):
            term = sums.reshape((-1,) + sums.shape[2:]) * channel(mult, sums[0])
            g_in = term if g_in is None else g_in + term
        steps = current.terms[0][0].shape[0]
        g_in = g_in.reshape((steps, -1) + g_in.shape[1:]) + \
            channel(self.bias, current.terms[0][0][0])
        m = np.zeros(g_in.shape[1:], np.int64)
        spikes = np.zeros(g_in.shape, np.int64)
        half = 1 << (self.frac - 1)
        for t in range(steps):
            g = self.tau_q * m + g_in[t]
            s = g >= self.theta
            r = np.clip((g + half) >> self.frac, -self.levels, self.levels)
            m = np.where(s, 0, r)
            spikes[t] = s
        return spikes


def run_integer(graph, frames, dt, membrane_bits, alpha_u,
                multiplier_bits=24):
    """The integer model on {input: uint8 frames [T, N, ...]} (or one
    array). Returns {Output node: uint8 spikes [T, N, ...]}."""
    nodes = graph["nodes"]
    order, incoming = _order(graph)
    inputs = [n for n in sorted(nodes) if nodes[n]["type"] == "Input"]
    if not isinstance(frames, dict):
        frames = {inputs[0]: frames}
    steps = next(iter(frames.values())).shape[0]
    levels = (1 << (membrane_bits - 1)) - 1
    values, outputs = {}, {}
    for name in order:
        p = nodes[name]
        kind = p["type"]
        if kind == "Input":
            values[name] = _IntTensor(frames[name].astype(np.int64))
            continue
        srcs = incoming[name]
        x = values[srcs[0]]
        for s in srcs[1:]:
            y = values[s]
            if not (isinstance(x, _Current) and isinstance(y, _Current)):
                raise NirError("node '%s': edges add currents only" % name)
            x = _Current(x.terms + y.terms, x.bias + y.bias)
        values[name] = _int_step(name, kind, p, x, steps, dt, levels,
                                 alpha_u, multiplier_bits)
        if kind == "Output":
            outputs[name] = values[name].values.astype(np.uint8)
    return outputs


def _int_step(name, kind, p, x, steps, dt, levels, alpha_u, bits):
    if kind == "Output":
        return x
    if isinstance(x, _Current):
        if kind == "Scale":
            gain = _per_channel(np.asarray(p["scale"], F32), len(x.bias),
                                "scale", name)
            return _Current([(c, a * gain) for c, a in x.terms], x.bias * gain)
        if kind not in ("LIF", "IF"):
            raise NirError("node '%s' (%s): no integer form" % (name, kind))
        k = 1.0 if kind == "IF" else dt / _uniform(p, "tau")
        channels = len(x.bias)
        gain = _per_channel(_per_neuron(p, "r", k, np.shape(p["r"])),
                            channels, "r", name)
        shift = np.zeros(channels)
        if kind == "LIF" and "v_leak" in p:
            shift = _per_channel(_per_neuron(p, "v_leak", k,
                                             np.shape(p["v_leak"])),
                                 channels, "v_leak", name)
        current = _Current([(c, a * gain) for c, a in x.terms],
                           x.bias * gain + shift)
        if _uniform(p, "v_reset", 0.0) != 0.0:
            raise NirError("node '%s': v_reset must be 0" % name)
        decay = F32(1 - k) if k != 1.0 else F32(1.0)
        neuron = _IntNeuron(current, decay, _uniform(p, "v_threshold"),
                            alpha_u[name], levels, bits)
        return _IntTensor(neuron.run(current))
    if kind in ("Affine", "Linear", "Conv1d", "Conv2d"):
        return _int_synaptic(name, kind, p, x, steps)
    if kind in ("SumPool2d", "AvgPool2d"):
        kernel = _pair(p, "kernel_size", 1)
        y = _int_sum_pool(_merged(x.values), kernel, _pair(p, "stride", 1),
                          _pair(p, "padding", 0))
        divisor = x.divisor * (kernel[0] * kernel[1] if kind == "AvgPool2d"
                               else 1)
        return _IntTensor(y.reshape((steps, -1) + y.shape[1:]), divisor)
    if kind == "Flatten":
        v = x.values
        rank = v.ndim - 2
        start = int(np.asarray(p.get("start_dim", 1)).reshape(-1)[0]) % rank
        end = int(np.asarray(p.get("end_dim", -1)).reshape(-1)[0]) % rank
        shape = list(v.shape[2:])
        new = shape[:start] + [int(np.prod(shape[start:end + 1]))] + \
            shape[end + 1:]
        return _IntTensor(v.reshape(list(v.shape[:2]) + new), x.divisor)
    raise NirError("node '%s' (%s): no integer form" % (name, kind))
