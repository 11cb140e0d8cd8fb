"""Every failure of qsnn.runtime is a QSNNError carrying the runtime's
message and status. Uses the compiler's own small test network
(test/Target/CPU/Inputs/tiny-net.mlir), so these run without qsnn-train.
"""
import os
import shutil

import numpy as np
import pytest

from conftest import SOURCE_DIR, compile_artifact

from qsnn.runtime import Model, QSNNError

TINY_NET = os.path.join(SOURCE_DIR, "test", "Target", "CPU", "Inputs",
                        "tiny-net.mlir")
SHAPE_RULE = r"\[N, 1, 4, 4\] \(N >= 1, the same for every tensor\)"


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    if not os.path.exists(TINY_NET):
        pytest.skip("%s is missing" % TINY_NET)
    return compile_artifact(TINY_NET, tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def model(artifact):
    with Model(artifact) as m:
        yield m


def pixels(n=2, dtype=np.uint8, shape=(1, 4, 4)):
    return (3 * np.arange(n * int(np.prod(shape))) % 256).astype(
        dtype).reshape((n,) + shape)


def test_runs_and_matches_the_documented_logits(model):
    """tiny-net.mlir's header: pixels 3*i give logits [0, 4.1666665]."""
    np.testing.assert_allclose(model.run(pixels(1)), [[0.0, 4.1666665]],
                               rtol=1e-6)


def test_wrong_shape(model):
    with pytest.raises(QSNNError, match=r"^input 0 \('pixels'\) has shape "
                       r"\[2, 1, 4, 5\]; the model expects " + SHAPE_RULE):
        model.run(pixels(shape=(1, 4, 5)))
    with pytest.raises(QSNNError, match=r"has shape \[1, 4, 4\]; the model "
                                        r"expects " + SHAPE_RULE) as err:
        model.run(pixels(1)[0])
    assert err.value.status == 5 and err.value.status_name == "shape"


def test_empty_batch(model):
    with pytest.raises(QSNNError, match=r"has shape \[0, 1, 4, 4\]"):
        model.run(pixels(0))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float64,
                                   np.int8])
def test_wrong_dtype(model, dtype):
    with pytest.raises(QSNNError, match=r"^input 0 \('pixels'\) must be "
                       r"uint8, got %s$" % np.dtype(dtype).name):
        model.run(pixels(dtype=dtype))


@pytest.mark.parametrize("count", [0, 2])
def test_wrong_number_of_inputs(model, count):
    with pytest.raises(QSNNError, match=r"^the model takes 1 input\(s\) and "
                       r"1 output\(s\), got %d and 1$" % count):
        model.run(*[pixels()] * count)


def test_missing_folder(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(QSNNError, match="artifact folder '%s' does not exist"
                       % missing) as err:
        Model(missing)
    assert err.value.status == 1


def test_missing_library_file(artifact, tmp_path):
    copy = shutil.copytree(artifact, tmp_path / "copy")
    os.remove(copy / "model.so")
    with pytest.raises(QSNNError, match="model.so"):
        Model(copy)


def test_corrupt_model_json(artifact, tmp_path):
    copy = shutil.copytree(artifact, tmp_path / "copy")
    (copy / "model.json").write_text('{"abi_version": 1, "name": ')
    with pytest.raises(QSNNError, match=r"model.json is not valid JSON") \
            as err:
        Model(copy)
    assert err.value.status == 2 and str(copy) in str(err.value)


def test_truncated_model_so(artifact, tmp_path):
    copy = shutil.copytree(artifact, tmp_path / "copy")
    library = copy / "model.so"
    os.truncate(library, library.stat().st_size // 2)
    with pytest.raises(QSNNError, match=r"model.so is not a loadable shared "
                                        r"library \(truncated") as err:
        Model(copy)
    assert err.value.status == 2


def test_closed_model(artifact):
    model = Model(artifact)
    model.close()
    model.close()  # closing twice is harmless
    with pytest.raises(QSNNError, match="^the model is closed$"):
        model.run(pixels())
    with Model(artifact) as scoped:
        pass
    with pytest.raises(QSNNError, match="^the model is closed$"):
        scoped.predict(pixels())
