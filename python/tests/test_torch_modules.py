"""qsnn.torch's modules against hand computations and an independent
scalar model of the LIF (docs/spec.md §3); the builders against
lib/Train/Architectures.cpp's layer lists."""
import random

import pytest

torch = pytest.importorskip("torch")
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import qsnn.torch as qt  # noqa: E402
from qsnn.torch.checkpoint import cpp_parameter_names  # noqa: E402


def scalar_lif(currents, tau, theta, levels, alphas, fire_on):
    """One neuron, plain Python floats: Eq. 1-3 with Q of Eq. 8 (round half
    to even, as Python's round and torch.round)."""
    def q(x, a):
        if levels == 0:
            return x
        return a / levels * round(levels * max(-1.0, min(1.0, x / a)))
    u, spikes = 0.0, []
    for current, a in zip(currents, alphas):
        h = tau * u + current
        if fire_on == "full":
            s = 1.0 if h >= theta else 0.0
            u = q(h * (1 - s), a)
        else:
            hq = q(h, a)
            s = 1.0 if hq >= theta else 0.0
            u = hq * (1 - s)
        spikes.append(s)
    return spikes


def test_lif_hand_computed_sequence():
    current = torch.tensor([0.6, 0.9, 0.3, 1.4]).view(4, 1)  # T = 4, N = 1
    lif = qt.LIF(time_steps=4, membrane_bits=32).eval()
    # h = 0.6 (keep), 0.3 + 0.9 = 1.2 (fire, reset), 0.3 (keep), 0.15 + 1.4
    assert lif(current).flatten().tolist() == [0, 1, 0, 1]
    lif = qt.LIF(time_steps=4, membrane_bits=2, fire_on="quantized").eval()
    # alpha_hat = 1, L = 1: Q(0.6) = 1 >= theta fires at once, Q(0.9) too,
    # Q(0.3) = 0, Q(1.4) = 1.
    assert lif(current).flatten().tolist() == [1, 1, 0, 1]
    assert lif.firing_rate.item() == 0.75


@pytest.mark.parametrize("fire_on", ["full", "quantized"])
@pytest.mark.parametrize("bits,levels", [(2, "signed"), (4, "signed"), (8, "paper"),
                                         (2, "paper"), (32, "signed")])
def test_lif_eval_equals_the_scalar_model(fire_on, bits, levels):
    rng = random.Random(bits * 7 + len(fire_on))
    T, N = 5, 40
    currents = [[rng.uniform(-1.0, 2.5) for _ in range(N)] for _ in range(T)]
    lif = qt.LIF(time_steps=T, tau=0.5, threshold=1.0, membrane_bits=bits,
                 levels=levels, fire_on=fire_on).eval()
    lif.alpha_hat.fill_(1.75)
    out = lif(torch.tensor(currents, dtype=torch.float64).view(T * N, 1))
    L = qt.membrane_levels(bits, levels)
    for n in range(N):
        expected = scalar_lif([currents[t][n] for t in range(T)], 0.5, 1.0, L,
                              [1.75] * T, fire_on)
        assert out.view(T, N)[:, n].tolist() == expected


def training_steps(c, L):
    """Spikes and per-step max |h| of a batch of scalar neurons in training
    mode (alpha_u = the step's batch max), c[t][n] the currents."""
    u, maxima, spikes = [0.0] * len(c[0]), [], []
    for row in c:
        h = [0.5 * un + cn for un, cn in zip(u, row)]
        a = max(abs(v) for v in h)
        s = [1.0 if v >= 1.0 else 0.0 for v in h]
        u = [a / L * round(L * max(-1, min(1, hn * (1 - sn) / a))) for hn, sn in zip(h, s)]
        maxima.append(a)
        spikes.append(s)
    return spikes, maxima


def test_lif_training_alpha_is_the_step_batch_max_and_alpha_hat_an_ema():
    T, L = 3, 7
    c1 = [[0.5, -2.0], [1.5, 0.2], [0.1, 0.3]]  # T = 3 steps of N = 2
    c2 = [[0.25, 0.4], [-0.5, 3.0], [0.9, 0.0]]
    lif = qt.LIF(time_steps=T, membrane_bits=4, fire_on="full").train()
    out = lif(torch.tensor(c1).view(T * 2, 1))
    spikes, maxima = training_steps(c1, L)
    assert out.view(T, 2).tolist() == spikes
    first = sum(maxima) / T  # the first observation sets alpha_hat
    assert lif.alpha_hat.item() == pytest.approx(first, rel=1e-6)
    assert lif.num_updates.item() == 1
    lif(torch.tensor(c2).view(T * 2, 1))
    second = sum(training_steps(c2, L)[1]) / T  # later ones: EMA, momentum 0.1
    assert lif.alpha_hat.item() == pytest.approx(0.9 * first + 0.1 * second, rel=1e-6)
    lif.eval()
    before = lif.alpha_hat.clone()
    lif(torch.tensor(c1).view(T * 2, 1))
    assert torch.equal(lif.alpha_hat, before)  # eval uses it, never updates it


def test_lif_arguments():
    assert qt.LIF(beta=0.75).tau == 0.75 and qt.LIF(tau=0.75).beta == 0.75
    for bad in (dict(tau=0.0), dict(beta=1.5), dict(threshold=0), dict(membrane_bits=1),
                dict(membrane_bits=17), dict(levels="odd"), dict(fire_on="x"),
                dict(reset="subtract"), dict(tau=0.5, beta=0.6), dict(time_steps=0)):
        with pytest.raises(qt.QSNNError, match="LIF"):
            qt.LIF(**bad)


def test_synapses_are_drop_in_conv_and_linear():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 8, 8)
    conv = qt.QConv2d(3, 4, 3, padding=1, weight_bits=32)
    assert torch.equal(conv(x), F.conv2d(x, conv.weight, conv.bias, padding=1))
    conv8 = qt.QConv2d(3, 4, 3, padding=1, bias=False, weight_bits=8)
    assert torch.equal(conv8(x), F.conv2d(x, qt.int8_weight(conv8.weight), padding=1))
    conv1 = qt.QConv2d(3, 4, 3, stride=2, bias=False, weight_norm="layer")
    assert torch.equal(conv1(x), F.conv2d(x, qt.binary_weight(conv1.weight, "layer"), stride=2))
    fc = qt.QLinear(12, 5, weight_bits=1)
    v = torch.randn(3, 12)
    assert torch.equal(fc(v), F.linear(v, qt.binary_weight(fc.weight, "channel"), fc.bias))
    assert isinstance(conv, nn.Conv2d) and isinstance(fc, nn.Linear)
    with pytest.raises(qt.QSNNError, match="weight_bits"):
        qt.QLinear(2, 2, weight_bits=4)
    with pytest.raises(qt.QSNNError, match="weight_norm"):
        qt.QConv2d(2, 2, 3, weight_norm="batch")


def test_pytorch_default_init_is_the_trainers():
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias."""
    torch.manual_seed(0)
    fc = qt.QLinear(400, 300, weight_bits=8)
    bound = 1 / 400 ** 0.5
    assert fc.weight.abs().max() <= bound and fc.weight.abs().max() > 0.99 * bound
    assert fc.bias.abs().max() <= bound


def test_encoders():
    enc = qt.StaticEncoder([10, 20], [0.5, 0.25])
    p = torch.tensor([[[[30]], [[40]]]], dtype=torch.uint8)
    assert enc(p).flatten().tolist() == [10.0, 5.0]
    with pytest.raises(qt.QSNNError, match="integer"):
        qt.StaticEncoder([10.5], [1.0])
    ev = qt.EventEncoder(3)
    frames = torch.arange(3 * 2 * 2, dtype=torch.uint8).view(3, 2, 2, 1, 1)
    assert ev(frames).shape == (6, 2, 1, 1)
    with pytest.raises(qt.QSNNError, match="T = 3"):
        ev(frames[:2])


def test_static_input_passes_the_first_layer_once_then_repeats():
    torch.manual_seed(1)
    model = qt.tiny(time_steps=3, zero_point=[70], scale=[0.01]).eval()
    x = torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8)
    steps = model.forward_steps(x)
    assert steps.shape == (6, 10)
    h = model.encoder(x).repeat(3, 1, 1, 1)  # repeat the image instead
    for layer in model.features:
        h = layer(h)
    assert torch.allclose(steps, h, atol=1e-6)
    assert torch.allclose(model(x), steps.view(3, 2, 10).mean(0))


def test_event_network_runs_on_frames():
    model = qt.vggsnn(in_channels=2, input_size=(48, 48), events=True, time_steps=2,
                      num_classes=11).eval()
    frames = torch.randint(0, 3, (2, 1, 2, 48, 48), dtype=torch.uint8)
    assert model(frames).shape == (1, 11)


VGG = {"tiny": [16, "P", 32, "P"], "small": [32, "P", 64, "P", 128],
       "vgg16": [64, 64, "P", 128, 128, "P", 256, 256, 256, "P", 512, 512, 512,
                 "P", 512, 512, 512, "P"]}


@pytest.mark.parametrize("arch", sorted(VGG))
def test_vgg_style_layer_lists(arch):
    model = qt.build(arch, in_channels=3, input_size=(32, 32), num_classes=10)
    expected, c, size = [], 3, 32
    for i, layer in enumerate(VGG[arch]):
        if layer == "P":
            expected.append(("AvgPool2d",))
            size //= 2
        else:
            expected += [("QConv2d", c, layer, 8 if i == 0 else 1), ("BatchNorm2d", layer),
                         ("LIF",)]
            c = layer
    expected += [("Flatten",), ("QLinear", c * size * size, 10, 8)]
    got = []
    for m in model.features:
        name = type(m).__name__
        if isinstance(m, qt.QConv2d):
            assert m.kernel_size == (3, 3) and m.padding == (1, 1) and m.bias is None
            got.append((name, m.in_channels, m.out_channels, m.weight_bits))
        elif isinstance(m, qt.QLinear):
            assert m.bias is not None
            got.append((name, m.in_features, m.out_features, m.weight_bits))
        elif isinstance(m, nn.BatchNorm2d):
            got.append((name, m.num_features))
        else:
            got.append((name,))
    assert got == expected


def test_resnet19_matches_the_trainer():
    model = qt.resnet19(in_channels=3, input_size=(32, 32), num_classes=10)
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, (qt.QConv2d, qt.QLinear)))
    assert weights == 12_558_720  # docs/train.md
    blocks = [m for m in model.features if isinstance(m, qt.BasicBlock)]
    assert [(b.conv1.in_channels, b.conv1.out_channels, b.conv1.stride[0],
             b.shortcut is not None) for b in blocks] == [
        (128, 128, 1, False), (128, 128, 1, False), (128, 128, 1, False),
        (128, 256, 2, True), (256, 256, 1, False), (256, 256, 1, False),
        (256, 512, 2, True), (512, 512, 1, False)]
    assert isinstance(model.features[-3], nn.AdaptiveAvgPool2d)
    assert len(model.lif_layers()) == 1 + 2 * 8
    names = cpp_parameter_names(model)
    assert names["features.0.weight"] == "stage0.weight"
    assert names["features.2.alpha_hat"] == "stage0.lif.alpha_hat"
    assert names["features.4.bn1.running_var"] == "stage2.conv1.bn.running_var"
    assert names["features.6.shortcut.1.weight"] == "stage4.shortcut.bn.weight"
    assert names["features.10.lif2.num_updates"] == "stage8.lif.num_updates"
    assert names["features.13.bias"] == "stage11.bias"
    assert set(names) == set(model.state_dict()) - {"encoder.zero_point", "encoder.scale"}


def test_full_precision_builds_float_layers_only():
    model = qt.small(weight_bits=32, membrane_bits=32)
    assert {m.weight_bits for m in model.modules()
            if isinstance(m, (qt.QConv2d, qt.QLinear))} == {32}
    with pytest.raises(qt.QSNNError, match="weight_norm"):
        qt.small(weight_bits=32, weight_norm="channel")
