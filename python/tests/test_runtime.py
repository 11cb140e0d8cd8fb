"""qsnn.runtime.Model against qsnn-run on a really trained, exported and
compiled model: the same test vectors must give the same output bytes.

qsnn-run reports a 64-bit FNV-1a checksum of the outputs it computed;
qsnn.runtime.checksum computes the same over Model.run's arrays, so equal
checksums mean bit-identical logits without a helper binary.
"""
import numpy as np
import pytest

from conftest import compile_artifact, qsnn_run_json

onnx = pytest.importorskip("onnx")
from onnx import numpy_helper  # noqa: E402

from qsnn.runtime import Model, checksum  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6  # qsnn-run's default tolerances for float outputs


def _tensor(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return numpy_helper.to_array(proto)


@pytest.fixture(scope="module", params=["float", "integer"])
def artifact(request, exported_model, tmp_path_factory):
    """The exported model compiled with each numerics the compiler offers."""
    out = tmp_path_factory.mktemp("artifact-" + request.param)
    return compile_artifact(exported_model / "model.onnx", out,
                            request.param)


@pytest.fixture(scope="module")
def vectors(exported_model):
    folder = exported_model / "test_data_set_0"
    return folder, _tensor(folder / "input_0.pb"), _tensor(folder / "output_0.pb")


def test_outputs_identical_to_qsnn_run(artifact, vectors):
    folder, pixels, expected = vectors
    status, report = qsnn_run_json(artifact, "--test-data", str(folder))
    assert status == 0 and report["passed"], report

    with Model(artifact) as model:
        out = model.run(pixels)
        assert out.shape == expected.shape
        assert checksum(out) == report["logits_checksum"]
        if out.dtype == np.float32:
            np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
        else:  # integer logits z: compared with the float vectors by argmax
            assert out.dtype == np.int64
            np.testing.assert_array_equal(np.argmax(model.float_logits(out), 1),
                                          np.argmax(expected, 1))
        np.testing.assert_array_equal(model.predict(pixels),
                                      np.argmax(expected, axis=1))


def test_batch_size_does_not_change_outputs(artifact, vectors):
    """Whole batches, padded last chunks and single samples take different
    paths through the runtime; the bytes must not depend on them."""
    _, pixels, _ = vectors
    with Model(artifact) as model:
        whole = model.run(pixels)
        odd = np.concatenate([model.run(pixels[:5]), model.run(pixels[5:])])
        single = np.concatenate([model.run(pixels[i:i + 1])
                                 for i in range(len(pixels))])
        strided = model.run(pixels[::-1])[::-1]  # a non-contiguous view
    assert whole.tobytes() == odd.tobytes() == single.tobytes() \
        == strided.tobytes()


def test_info_matches_manifest(artifact, vectors):
    _, pixels, expected = vectors
    with Model(artifact) as model:
        info, manifest = model.info, model.manifest
    assert info["numerics"] == manifest["numerics"]
    assert info["time_steps"] == manifest["time_steps"] == 2
    assert info["num_classes"] == manifest["num_classes"] == expected.shape[1]
    assert info["inputs"][0]["dtype"] == "uint8" == str(pixels.dtype)
    assert info["inputs"][0]["shape"][1:] == pixels.shape[1:]


def test_checksum_is_fnv1a_64():
    """Known FNV-1a 64 values (the empty input is the offset basis)."""
    assert checksum(np.zeros(0, np.uint8)) == "cbf29ce484222325"
    assert checksum(np.frombuffer(b"a", np.uint8)) == "af63dc4c8601ec8c"
    assert checksum(np.frombuffer(b"foobar", np.uint8)) == "85944171f73967e8"
