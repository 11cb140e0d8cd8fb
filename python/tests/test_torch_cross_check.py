"""qsnn.torch against the C++ trainer: a short `qsnn-train fit` run,
exported by `qsnn-train export`, is rebuilt by from_onnx (and from the
checkpoint) with float logits equal to the export's test vectors, and
qsnn.torch.export of the rebuilt model compiles to an integer artifact
whose int64 logits equal the qsnn-train artifact's bit for bit."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from onnx import numpy_helper  # noqa: E402

from conftest import compile_artifact, qsnn_run_json, run_tool, tool  # noqa: E402

import qsnn.torch as qt  # noqa: E402
from qsnn.runtime import Model  # noqa: E402

FIT = ["--arch", "small", "-T", "2", "--epochs", "1", "--limit-train", "256",
       "--limit-test", "32", "--batch-size", "64", "--threads", "1"]
#: k = 2, 4, 8 in both fire_on orders, and the other level mode and WS-DR
#: normalization once.
CASES = [(k, fire_on, "signed", "channel") for k in (2, 4, 8)
         for fire_on in ("full", "quantized")] + [(4, "full", "paper", "layer")]


def read_tensor(path):
    proto = onnx.TensorProto()
    proto.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(proto)


def logits(model, pixels):
    with torch.no_grad():
        return model(torch.from_numpy(pixels.copy())).numpy()


def int_logits(artifact, pixels):
    with Model(artifact) as model:
        assert model.info["numerics"] == "integer"
        return model.run(pixels)


@pytest.mark.parametrize("bits,fire_on,levels,norm", CASES,
                         ids=["k%d-%s-%s-%s" % c for c in CASES])
def test_qsnn_train_and_qsnn_torch_agree(bits, fire_on, levels, norm, tmp_path):
    train = tool("qsnn-train")
    run_tool([train, "fit", *FIT, "--membrane-bits", str(bits), "--fire-on", fire_on,
              "--levels", levels, "--weight-norm", norm, "-o", str(tmp_path / "run")])
    cpp = tmp_path / "cpp"
    run_tool([train, "export", str(tmp_path / "run" / "checkpoint.pt"), "-o", str(cpp)])
    pixels = read_tensor(cpp / "test_data_set_0" / "input_0.pb")
    expected = read_tensor(cpp / "test_data_set_0" / "output_0.pb")

    rebuilt = qt.from_onnx(cpp / "model.onnx")
    np.testing.assert_allclose(logits(rebuilt, pixels), expected, rtol=0, atol=1e-5)
    loaded = qt.from_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert loaded.features[4].weight_norm == norm
    np.testing.assert_allclose(logits(loaded, pixels), expected, rtol=0, atol=1e-5)

    ours = tmp_path / "torch"
    qt.export(rebuilt, ours, sample=pixels)
    theirs, mine = onnx.load(str(cpp / "model.onnx")), onnx.load(str(ours / "model.onnx"))
    assert mine.producer_name == "qsnn.torch"
    # Same graph as qsnn-train's exporter, node for node and byte for byte.
    assert mine.graph.SerializeToString() == theirs.graph.SerializeToString()
    assert list(mine.metadata_props) == list(theirs.metadata_props)

    z_cpp = int_logits(compile_artifact(cpp / "model.onnx", tmp_path / "art-cpp",
                                        "integer"), pixels)
    art = compile_artifact(ours / "model.onnx", tmp_path / "art-torch", "integer")
    z_torch = int_logits(art, pixels)
    assert z_torch.dtype == np.int64 and z_torch.shape == (len(pixels), 10)
    np.testing.assert_array_equal(z_torch, z_cpp)
    status, report = qsnn_run_json(art, "--test-data", str(ours / "test_data_set_0"))
    assert status == 0 and report["passed"], report
