"""qsnn: run compiled Quantized Spiking Neural Networks from Python.

* ``qsnn.runtime`` loads an artifact folder written by ``qsnn-compile`` and
  runs numpy batches through libqsnn_runtime;
* ``qsnn.reference`` holds numpy reference models of a Q-SNN ONNX file (the
  float model and the deployed integer model);
* ``qsnn.metrics`` loads qsnn-train's metrics.jsonl and the memory plan of
  qsnn-compile's model.json;
* ``qsnn.plots`` (``python -m qsnn.plots``) draws the paper's figures from
  them (docs/python.md).
"""
__version__ = "0.1.0"
