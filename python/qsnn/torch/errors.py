"""The one exception qsnn.torch raises for models and settings it cannot
build, export or import."""


class QSNNError(ValueError):
    """A model, module or file outside what qsnn.torch supports.

    The message names the module path (``features.3 (LSTM): ...``) or the
    ONNX node and says why. Export and import raise it before writing
    anything.
    """
