"""numpy binding of libqsnn_runtime (runtime/include/qsnn_runtime.h).

    import numpy as np
    from qsnn.runtime import Model

    with Model("out/") as model:
        z = model.run(pixels)            # integer logits (or float logits)
        logits = model.float_logits(z)   # z / (T * 2^F) for integer artifacts
        labels = model.predict(pixels)   # argmax, ties to the lowest index

Every failure raises ``QSNNError`` carrying the runtime's one-line message.
The library is found through $QSNN_RUNTIME_LIBRARY, next to this package
(installed), in the source tree's build*/lib folders (not sanitized ones),
or on the system path.
"""
import ctypes
import ctypes.util
import glob
import os

import numpy as np

MAX_RANK = 8
_DTYPES = {1: np.uint8, 2: np.float32, 3: np.int64}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


#: qsnn_rt_status codes (runtime/include/qsnn_runtime.h) used below.
STATUS_NOT_FOUND = 1
STATUS_INVALID_ARTIFACT = 2
STATUS_SHAPE = 5
STATUS_ARGUMENT = 6
_STATUS_NAMES = {1: "not found", 2: "invalid artifact", 3: "ABI version",
                 4: "unsupported CPU", 5: "shape", 6: "argument",
                 7: "out of memory", 8: "execution"}


class QSNNError(Exception):
    """An error reported by libqsnn_runtime or detected before calling it.

    ``str(err)`` is the runtime's one-line message; ``err.status`` the
    qsnn_rt_status code (None when the library itself could not be found).
    """

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status

    @property
    def status_name(self):
        """A short name of the status code, e.g. 'shape'."""
        return _STATUS_NAMES.get(self.status, "error")


class _TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("batch_dim", ctypes.c_int32),
                ("reserved", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_RANK)]


class _ModelInfo(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_uint32), ("abi_version", ctypes.c_uint32),
                ("name", ctypes.c_char_p), ("numerics", ctypes.c_char_p),
                ("target_triple", ctypes.c_char_p),
                ("target_cpu", ctypes.c_char_p),
                ("target_features", ctypes.c_char_p),
                ("batch", ctypes.c_int64), ("time_steps", ctypes.c_int64),
                ("num_classes", ctypes.c_int64),
                ("readout_frac_bits", ctypes.c_int32),
                ("num_inputs", ctypes.c_int32), ("num_outputs", ctypes.c_int32),
                ("reserved", ctypes.c_int32),
                ("inputs", ctypes.POINTER(_TensorDesc)),
                ("outputs", ctypes.POINTER(_TensorDesc)),
                ("workspace_bytes", ctypes.c_uint64)]


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.c_int64 * MAX_RANK)]


def _candidates():
    env = os.environ.get("QSNN_RUNTIME_LIBRARY")
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "libqsnn_runtime.so")
    root = os.path.dirname(os.path.dirname(here))
    for path in sorted(glob.glob(os.path.join(root, "build*", "lib",
                                              "libqsnn_runtime.so"))):
        if not _sanitized_build(os.path.dirname(os.path.dirname(path))):
            yield path
    found = ctypes.util.find_library("qsnn_runtime")
    if found:
        yield found


def _sanitized_build(folder):
    """A sanitized build's runtime (docs/development.md#sanitized-build)
    needs the ASan runtime loaded first; an ordinary interpreter cannot
    load it, so the source tree's search skips such builds."""
    try:
        with open(os.path.join(folder, "CMakeCache.txt"),
                  encoding="utf-8", errors="replace") as cache:
            for line in cache:
                if line.startswith("QSNN_SANITIZE:"):
                    return line.split("=", 1)[1].strip() != ""
    except OSError:
        pass
    return False


_library = None


def library():
    """The loaded libqsnn_runtime (loaded on first use)."""
    global _library
    if _library is not None:
        return _library
    tried = []
    for path in _candidates():
        tried.append(path)
        if os.path.sep in path and not os.path.exists(path):
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        lib.qsnn_last_error.restype = ctypes.c_char_p
        lib.qsnn_model_open.argtypes = [ctypes.c_char_p,
                                        ctypes.POINTER(ctypes.c_void_p)]
        lib.qsnn_model_close.argtypes = [ctypes.c_void_p]
        lib.qsnn_model_get_info.argtypes = [ctypes.c_void_p]
        lib.qsnn_model_get_info.restype = ctypes.POINTER(_ModelInfo)
        lib.qsnn_model_workspace_bytes.argtypes = [ctypes.c_void_p]
        lib.qsnn_model_workspace_bytes.restype = ctypes.c_uint64
        lib.qsnn_model_run.argtypes = [ctypes.c_void_p,
                                       ctypes.POINTER(_Tensor), ctypes.c_int32,
                                       ctypes.POINTER(_Tensor), ctypes.c_int32]
        _library = lib
        return lib
    raise QSNNError("libqsnn_runtime.so not found (tried: %s); build qsnn or "
                    "set QSNN_RUNTIME_LIBRARY" % ", ".join(tried))


def _describe(desc):
    return {"name": desc.name.decode() if desc.name else "",
            "dtype": np.dtype(_DTYPES[desc.dtype]).name,
            "shape": tuple(desc.shape[d] for d in range(desc.rank)),
            "batch_dim": desc.batch_dim}


class Model:
    """An opened artifact folder. Not thread-safe: one per thread."""

    def __init__(self, path):
        lib = library()
        self._lib = lib
        handle = ctypes.c_void_p()
        status = lib.qsnn_model_open(os.fsencode(str(path)),
                                     ctypes.byref(handle))
        if status != 0:
            raise QSNNError(lib.qsnn_last_error().decode(), status)
        self._handle = handle
        raw = lib.qsnn_model_get_info(handle).contents
        self.info = {
            "name": raw.name.decode(), "numerics": raw.numerics.decode(),
            "target_triple": raw.target_triple.decode(),
            "target_cpu": raw.target_cpu.decode(),
            "batch": raw.batch, "time_steps": raw.time_steps,
            "num_classes": raw.num_classes,
            "readout_frac_bits": raw.readout_frac_bits,
            "workspace_bytes": lib.qsnn_model_workspace_bytes(handle),
            "inputs": [_describe(raw.inputs[i])
                       for i in range(raw.num_inputs)],
            "outputs": [_describe(raw.outputs[i])
                        for i in range(raw.num_outputs)],
        }
        manifest = os.path.join(str(path), "model.json")
        self.manifest = None
        if os.path.exists(manifest):
            import json
            with open(manifest) as f:
                self.manifest = json.load(f)

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.qsnn_model_close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _tensor(self, array):
        t = _Tensor()
        t.data = array.ctypes.data
        t.dtype = _CODES[array.dtype]
        t.rank = array.ndim
        for d, n in enumerate(array.shape):
            t.shape[d] = n
        return t

    def run(self, *inputs):
        """Runs numpy inputs (any batch size); returns the output array, or a
        list when the model has several outputs.

        The runtime itself checks the number of inputs, every dtype and
        shape, so the exceptions carry the same one-line messages a C caller
        gets from qsnn_last_error(). Only what cannot be handed to the C API
        is refused here: dtypes outside its three (uint8, float32, int64)
        and ranks above QSNN_MAX_RANK, worded like the runtime's messages.
        """
        if self._handle is None:
            raise QSNNError("the model is closed", STATUS_ARGUMENT)
        descs = self.info["inputs"]
        arrays, batch = [], None
        for i, x in enumerate(inputs):
            x = np.ascontiguousarray(x)
            name = descs[i]["name"] if i < len(descs) else ""
            if x.dtype not in _CODES:
                expected = descs[i]["dtype"] if i < len(descs) else \
                    "uint8, float32 or int64"
                raise QSNNError("input %d ('%s') must be %s, got %s"
                                % (i, name, expected, x.dtype), STATUS_SHAPE)
            if x.ndim > MAX_RANK:
                raise QSNNError("input %d ('%s') has rank %d; at most %d is "
                                "supported" % (i, name, x.ndim, MAX_RANK),
                                STATUS_SHAPE)
            if i < len(descs) and batch is None \
                    and 0 <= descs[i]["batch_dim"] < x.ndim:
                batch = x.shape[descs[i]["batch_dim"]]
            arrays.append(x)
        outputs = [self._output_array(desc, batch)
                   for desc in self.info["outputs"]]
        ins = (_Tensor * max(1, len(arrays)))(
            *[self._tensor(a) for a in arrays])
        outs = (_Tensor * len(outputs))(*[self._tensor(o) for o in outputs])
        status = self._lib.qsnn_model_run(self._handle, ins, len(arrays), outs,
                                          len(outputs))
        if status != 0:
            raise QSNNError(self._lib.qsnn_last_error().decode(), status)
        return outputs[0] if len(outputs) == 1 else outputs

    @staticmethod
    def _output_array(desc, batch):
        """An output buffer for `batch` samples (the compiled shape when no
        input has a batch dimension)."""
        shape = list(desc["shape"])
        if desc["batch_dim"] >= 0 and batch is not None and batch >= 1:
            shape[desc["batch_dim"]] = batch
        return np.empty(shape, dtype=desc["dtype"])

    def float_logits(self, z):
        """Float logits from the first output: z / (T * 2^F) for integer
        artifacts, unchanged for float artifacts."""
        z = np.asarray(z)
        if z.dtype != np.int64:
            return z
        scale = self.info["time_steps"] * 2.0 ** self.info["readout_frac_bits"]
        return z / scale

    def predict(self, *inputs):
        """Class indices: argmax of the logits (ties to the lowest index)."""
        out = self.run(*inputs)
        logits = out[0] if isinstance(out, list) else out
        return np.argmax(logits, axis=1)


FNV_OFFSET_BASIS = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


def checksum(*arrays):
    """The 64-bit FNV-1a checksum qsnn-run reports as ``logits_checksum``
    (tools/qsnn-run/Compare.cpp), as 16 hex digits.

    It chains over the arrays' bytes in order, each continuing from the
    previous hash, exactly as qsnn-run chains over a model's outputs, so a
    Python run and a qsnn-run of the same inputs can be compared bit for bit
    without writing the outputs out.
    """
    value = 0
    for array in arrays:
        value = value or FNV_OFFSET_BASIS  # qsnn-run: seed 0 = basis
        for byte in np.ascontiguousarray(array).tobytes():
            value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % value

