"""qsnn.torch.export refuses what the ai.qsnn schema cannot carry with a
QSNNError naming the module, and writes nothing."""
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
import torch.nn as nn  # noqa: E402

import qsnn.torch as qt  # noqa: E402


def pixels(*shape):
    return torch.randint(0, 256, shape, dtype=torch.uint8)


def replace(model, index, module):
    layers = list(model.features)
    layers[index] = module
    model.features = nn.Sequential(*layers)
    return model


def refused(model, tmp_path, match, sample=None):
    """Export must raise QSNNError matching ``match`` and leave the output
    folder's parent empty (no model, no vectors, no temporary folder)."""
    out = tmp_path / "out"
    with pytest.raises(qt.QSNNError, match=match) as err:
        qt.export(model, out, sample=pixels(2, 1, 28, 28) if sample is None else sample)
    assert list(tmp_path.iterdir()) == []
    return str(err.value)


def test_unsupported_module_is_named_by_its_path(tmp_path):
    model = replace(qt.tiny(time_steps=2), 3, nn.LSTM(16, 16))
    message = refused(model, tmp_path, r"^features\.3 \(LSTM\): not supported")
    assert "QLinear" in message  # the message lists what is supported


def test_nested_unsupported_module_is_named_by_its_full_path(tmp_path):
    model = qt.tiny(time_steps=2)
    layers = list(model.features)
    model.features = nn.Sequential(*layers[:3], nn.Sequential(nn.AvgPool2d(2), nn.GELU()),
                                   *layers[4:])
    refused(model, tmp_path, r"^features\.3\.1 \(GELU\): not supported")


def test_membrane_bits_outside_the_schema(tmp_path):
    model = qt.tiny(time_steps=2, membrane_bits=3)  # trains, cannot be deployed
    refused(model, tmp_path, r"^features\.2 \(LIF\): membrane_bits=3 is outside the "
                             r"ai\.qsnn schema \(2, 4, 8 or 32\)")


def test_model_without_a_neuron(tmp_path):
    features = nn.Sequential(qt.QConv2d(1, 4, 3, padding=1, weight_bits=8),
                             nn.BatchNorm2d(4), nn.Flatten(),
                             qt.QLinear(4 * 28 * 28, 10, weight_bits=8))
    model = qt.SpikingNetwork(qt.StaticEncoder([0], [1 / 255]), features, 2)
    refused(model, tmp_path, r"^features \(Sequential\): the network has no LIF neuron")


def test_sample_of_the_wrong_image_size(tmp_path):
    refused(qt.tiny(time_steps=2), tmp_path,
            r"^encoder \(StaticEncoder\): the sample's images are \[1, 32, 32\], "
            r"the model's input_shape is \[1, 28, 28\]", sample=pixels(2, 1, 32, 32))


def test_sample_that_does_not_fit_the_layers(tmp_path):
    model = qt.tiny(time_steps=2)
    model.encoder.input_shape = None  # the sample alone defines the shape
    refused(model, tmp_path, r"^features\.9 \(QLinear\): cannot take the \[2, 2048\] "
                             r"input of this sample", sample=pixels(2, 1, 32, 32))


def test_sample_of_the_wrong_dtype_rank_or_steps(tmp_path):
    model = qt.tiny(time_steps=2)
    refused(model, tmp_path, r"^encoder \(StaticEncoder\): the sample must be uint8 "
                             r"\[N, C, H, W\], got float32", sample=torch.zeros(2, 1, 28, 28))
    refused(model, tmp_path, "got uint8 \\[1, 2, 1, 28, 28\\]", sample=pixels(1, 2, 1, 28, 28))
    events = qt.vggsnn(in_channels=2, input_size=(48, 48), events=True, time_steps=3)
    refused(events, tmp_path, r"^encoder \(EventEncoder\): the sample must be uint8 "
                              r"\[T, N, C, H, W\] with T = 3", sample=pixels(2, 1, 2, 48, 48))


def test_neuron_with_other_time_steps(tmp_path):
    model = replace(qt.tiny(time_steps=2), 6, qt.LIF(time_steps=4))
    refused(model, tmp_path, r"^features\.6 \(LIF\): time_steps=4 differs from the "
                             r"network's T = 2")


def test_readout_needs_a_classifier(tmp_path):
    model = qt.tiny(time_steps=2)
    model.features = nn.Sequential(*list(model.features)[:-2])  # ends with a pool
    refused(model, tmp_path, r"^features\.7 \(AvgPool2d\): the readout needs class "
                             r"logits \[T\*N, K\]")


def test_layer_settings_the_deployed_form_lacks(tmp_path):
    refused(replace(qt.tiny(time_steps=2), 3, nn.AvgPool2d(2, padding=1)), tmp_path,
            r"^features\.3 \(AvgPool2d\): padding and ceil_mode are not supported")
    refused(replace(qt.tiny(time_steps=2), 0, nn.Conv2d(1, 16, 3, padding=1, groups=1,
                                                        dilation=2)), tmp_path,
            r"^features\.0 \(Conv2d\): groups and dilation must be 1")


def test_not_a_spiking_network_or_not_a_folder(tmp_path):
    with pytest.raises(qt.QSNNError, match=r"^model \(Sequential\): export takes a "
                                           r"qsnn\.torch\.SpikingNetwork"):
        qt.export(nn.Sequential(nn.Linear(2, 2)), tmp_path / "out")
    (tmp_path / "file").write_text("x")
    with pytest.raises(qt.QSNNError, match="is not a directory"):
        qt.export(qt.tiny(), tmp_path / "file", sample=pixels(1, 1, 28, 28))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
