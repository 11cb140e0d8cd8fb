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
