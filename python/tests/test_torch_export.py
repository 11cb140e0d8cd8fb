"""qsnn.torch.export and from_onnx without the C++ tools: the graph is the
ai.qsnn schema (docs/spec.md §5) and passes the full ONNX check, the test
vectors are the model's eval logits, python/qsnn/reference.py (an
independent numpy interpreter of the schema) reproduces them, and
export -> from_onnx -> export returns the same model bit for bit."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
import torch.nn as nn  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import qsnn.torch as qt  # noqa: E402
from qsnn.reference import float_forward  # noqa: E402

QONNX = "qonnx.custom_op.general"


def read_tensor(path):
    proto = onnx.TensorProto()
    proto.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(proto)


def train_steps(model, inputs, steps=3):
    """A few SGD steps so BatchNorm statistics and alpha_hat are trained."""
    torch.manual_seed(0)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    classes = model.features[-1].out_features
    labels = torch.arange(inputs.shape[0 if inputs.dim() == 4 else 1]) % classes
    for _ in range(steps):
        out = model.forward_steps(inputs)
        loss = qt.qsnn_loss(out, labels, model.time_steps, model.firing_rates())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def images(n, seed=0, shape=(1, 28, 28)):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n,) + shape, generator=g, dtype=torch.uint8)


@pytest.fixture(scope="module")
def tiny_export(tmp_path_factory):
    torch.manual_seed(0)
    model = qt.tiny(time_steps=2, membrane_bits=4, zero_point=[72], scale=[0.0113],
                    dataset="fashion-mnist", class_names=["a/b", "c"] + list("defghijk")[:8])
    train_steps(model, images(16))
    out = tmp_path_factory.mktemp("export") / "tiny"
    qt.export(model, out, sample=images(6, seed=1))
    return model, out


def test_graph_is_the_schema(tiny_export):
    model, out = tiny_export
    proto = onnx.load(str(out / "model.onnx"))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.ir_version == 8
    assert [(o.domain, o.version) for o in proto.opset_import] == [
        ("", 17), ("ai.qsnn", 1), (QONNX, 1)]
    assert [(n.domain, n.op_type) for n in proto.graph.node] == [
        ("", "Cast"), ("", "Sub"), ("", "Mul"), ("", "Tile"),
        (QONNX, "Quant"), ("", "Conv"), ("", "BatchNormalization"), ("ai.qsnn", "LIF"),
        ("", "AveragePool"),
        (QONNX, "BipolarQuant"), ("", "Conv"), ("", "BatchNormalization"), ("ai.qsnn", "LIF"),
        ("", "AveragePool"), ("", "Flatten"),
        (QONNX, "Quant"), ("", "Gemm"), ("", "Reshape"), ("", "ReduceMean")]
    lif = proto.graph.node[7]
    attrs = [(a.name, onnx.helper.get_attribute_value(a)) for a in lif.attribute]
    assert attrs == [("time_steps", 2), ("tau", 0.5), ("threshold", 1.0),
                     ("membrane_bits", 4), ("levels", b"signed"), ("fire_on", b"full"),
                     ("alpha_u", pytest.approx(model.features[2].alpha_hat.item())),
                     ("reset", b"hard")]
    assert attrs[6][1] == np.float32(model.features[2].alpha_hat.item())
    quant = {a.name: onnx.helper.get_attribute_value(a) for a in proto.graph.node[4].attribute}
    assert quant == {"signed": 1, "narrow": 1, "rounding_mode": b"ROUND"}
    inits = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    w_hat = qt.standardize_weight(model.features[4].weight.detach(), "channel")
    assert np.array_equal(inits["w_hat"], w_hat.numpy())
    assert np.array_equal(inits["alpha_w"], qt.channel_scale(w_hat).numpy())
    assert inits["alpha_w"].shape == (32, 1, 1, 1)
    assert np.array_equal(inits["w_scale"], qt.int8_scale(model.features[0].weight).numpy())
    assert inits["repeats"].tolist() == [2, 1, 1, 1]
    assert inits["readout_shape"].tolist() == [2, -1, 10]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["qsnn.schema_version"] == "1" and meta["qsnn.time_steps"] == "2"
    assert meta["qsnn.input_kind"] == "static" and meta["qsnn.arch"] == "tiny"
    assert meta["qsnn.dataset"] == "fashion-mnist"
    assert json.loads(meta["qsnn.class_names"])[0] == "a/b"
    shapes = {v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in proto.graph.value_info}
    assert shapes["spikes"] == ["TN", 16, 28, 28] and shapes["w_bin"] == [32, 16, 3, 3]
    x = proto.graph.input[0].type.tensor_type
    assert x.elem_type == onnx.TensorProto.UINT8
    assert [d.dim_param or d.dim_value for d in x.shape.dim] == ["N", 1, 28, 28]


def test_vectors_are_the_eval_logits_and_the_reference_agrees(tiny_export):
    model, out = tiny_export
    pixels = read_tensor(out / "test_data_set_0" / "input_0.pb")
    logits = read_tensor(out / "test_data_set_0" / "output_0.pb")
    assert pixels.dtype == np.uint8 and np.array_equal(pixels, images(6, seed=1).numpy())
    with torch.no_grad():
        assert np.array_equal(logits, model(torch.from_numpy(pixels.copy())).numpy())
    reference, spikes = float_forward(str(out / "model.onnx"), pixels)
    assert len(spikes) == 2
    np.testing.assert_allclose(reference, logits, atol=1e-5)


def graph_bytes(proto):
    return proto.graph.SerializeToString(), [p.SerializeToString() for p in proto.metadata_props]


def round_trip(model, sample, tmp_path):
    first = tmp_path / "first"
    qt.export(model, first, sample=sample)
    rebuilt = qt.from_onnx(first / "model.onnx")
    second = tmp_path / "second"
    qt.export(rebuilt, second, sample=sample)
    a, b = onnx.load(str(first / "model.onnx")), onnx.load(str(second / "model.onnx"))
    assert graph_bytes(a) == graph_bytes(b)
    with torch.no_grad():
        assert torch.equal(model(sample), rebuilt(sample))
    return rebuilt


def test_round_trip_of_the_tiny_net(tiny_export, tmp_path):
    model, _ = tiny_export
    rebuilt = round_trip(model, images(4), tmp_path)
    assert [type(m) for m in rebuilt.features] == [type(m) for m in model.features]
    assert rebuilt.arch == "tiny" and rebuilt.dataset == "fashion-mnist"
    assert rebuilt.features[4].weight_norm == "none"  # holds W-hat itself
    assert not rebuilt.training


def test_round_trip_of_residual_blocks(tmp_path):
    torch.manual_seed(1)
    lif = dict(time_steps=2, membrane_bits=8, fire_on="quantized", levels="paper")
    features = nn.Sequential(
        qt.QConv2d(3, 8, 3, padding=1, bias=False, weight_bits=8), nn.BatchNorm2d(8),
        qt.LIF(**lif),
        qt.BasicBlock(8, 8, lif_options=lif, weight_norm="layer"),
        qt.BasicBlock(8, 16, stride=2, lif_options=lif),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), qt.QLinear(16, 10, weight_bits=8))
    model = qt.SpikingNetwork(qt.StaticEncoder([120, 110, 100], [0.02, 0.02, 0.03]),
                              features, 2, arch="resnet-mini")
    x = images(8, shape=(3, 12, 12))
    train_steps(model, x)
    rebuilt = round_trip(model, x, tmp_path)
    blocks = [m for m in rebuilt.features if isinstance(m, qt.BasicBlock)]
    assert [b.shortcut is None for b in blocks] == [True, False]
    adds = [n for n in onnx.load(str(tmp_path / "first" / "model.onnx")).graph.node
            if n.op_type == "Add"]
    assert len(adds) == 2


def test_round_trip_of_event_input_with_max_pooling(tmp_path):
    torch.manual_seed(2)
    features = nn.Sequential(
        qt.QConv2d(2, 6, 3, padding=1, bias=False, weight_bits=8), nn.BatchNorm2d(6),
        qt.LIF(time_steps=3, membrane_bits=2), nn.MaxPool2d(2),
        qt.QConv2d(6, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6),
        qt.LIF(time_steps=3, membrane_bits=2), nn.Flatten(),
        qt.QLinear(6 * 8 * 8, 4, weight_bits=8))
    model = qt.SpikingNetwork(qt.EventEncoder(3, (2, 16, 16)), features, 3)
    frames = torch.randint(0, 4, (3, 5, 2, 16, 16), dtype=torch.uint8)
    train_steps(model, frames)
    round_trip(model, frames, tmp_path)
    proto = onnx.load(str(tmp_path / "first" / "model.onnx"))
    assert [n.op_type for n in proto.graph.node][:2] == ["Cast", "Reshape"]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["qsnn.input_kind"] == "events"


def test_full_precision_weights_are_plain_initializers(tmp_path):
    torch.manual_seed(3)
    model = train_steps(qt.tiny(time_steps=2, weight_bits=32, membrane_bits=32), images(8))
    qt.export(model, tmp_path / "fp", sample=images(2))
    proto = onnx.load(str(tmp_path / "fp" / "model.onnx"))
    ops = [n.op_type for n in proto.graph.node]
    assert "Quant" not in ops and "BipolarQuant" not in ops
    inits = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    assert np.array_equal(inits["w"], model.features[0].weight.detach().numpy())
    round_trip(model, images(2), tmp_path / "rt")


def test_export_keeps_the_training_mode_and_replaces_an_earlier_export(tmp_path):
    torch.manual_seed(4)
    model = qt.tiny(time_steps=2).train()
    alpha = model.features[2].alpha_hat.clone()
    qt.export(model, tmp_path / "out", sample=images(3))
    assert model.training and torch.equal(model.features[2].alpha_hat, alpha)
    qt.export(model, tmp_path / "out", sample=images(5))
    assert read_tensor(tmp_path / "out" / "test_data_set_0" / "input_0.pb").shape[0] == 5
    qt.export(model, tmp_path / "out")  # no sample: stale vectors are removed
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["model.onnx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary left


def test_from_onnx_names_the_node_it_cannot_rebuild(tiny_export, tmp_path):
    _, out = tiny_export
    proto = onnx.load(str(out / "model.onnx"))
    relu = onnx.helper.make_node("Relu", ["pool"], ["relu_out"], name="my_relu")
    nodes = list(proto.graph.node)
    index = next(i for i, n in enumerate(nodes) if n.output[0] == "pool")
    nodes.insert(index + 1, relu)
    nodes[index + 2].input[0] = "relu_out"
    del proto.graph.node[:]
    proto.graph.node.extend(nodes)
    onnx.save(proto, str(tmp_path / "relu.onnx"))
    with pytest.raises(qt.QSNNError, match=r"node 'my_relu' \(Relu, #9\): not part of"):
        qt.from_onnx(tmp_path / "relu.onnx")
    with pytest.raises(qt.QSNNError, match="cannot read an ONNX model"):
        qt.from_onnx(tmp_path / "missing.onnx")


def test_from_onnx_reads_the_scale_on_either_side_of_mul(tiny_export, tmp_path):
    model, out = tiny_export
    proto = onnx.load(str(out / "model.onnx"))
    mul = next(n for n in proto.graph.node if n.op_type == "Mul")
    mul.input[0], mul.input[1] = mul.input[1], mul.input[0]  # Mul(sc, x), spec §5.2
    onnx.save(proto, str(tmp_path / "swapped.onnx"))
    x = images(3)
    with torch.no_grad():
        assert torch.equal(qt.from_onnx(tmp_path / "swapped.onnx")(x), model(x))
