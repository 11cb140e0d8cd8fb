"""Backward passes of qsnn.torch against their formulas (docs/spec.md §3)
and against finite differences where the function is smooth; the losses
of Eq. 15 and Eq. 16 on hand-computed cases."""
import math

import pytest

torch = pytest.importorskip("torch")
import qsnn.torch as qt  # noqa: E402


def grad_of(fn, x, upstream=None):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    y.backward(torch.ones_like(y) if upstream is None else upstream)
    return y.detach(), x.grad


def test_spike_forward_and_triangular_surrogate():
    h = torch.tensor([-0.5, 0.0, 0.25, 0.5, 0.999, 1.0, 1.5, 2.0, 2.5, 3.0])
    s, g = grad_of(lambda v: qt.spike(v, threshold=1.0), h)
    assert s.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]  # s = [h >= theta]
    # Eq. 5 with beta = 1: max(0, 1 - |h - theta|).
    expected = [max(0.0, 1.0 - abs(v - 1.0)) for v in h.tolist()]
    assert g.tolist() == pytest.approx(expected, abs=1e-7)
    assert g[0] == 0 and g[7] == 0  # the triangle ends at theta +- 1


def test_surrogate_width_and_upstream_gradient():
    h = torch.tensor([0.0, 0.5, 0.8, 1.2, 2.0])
    upstream = torch.tensor([1.0, -2.0, 3.0, 0.5, 4.0])
    _, g = grad_of(lambda v: qt.spike(v, threshold=0.8, width=0.5), h, upstream)
    expected = [u * max(0.0, 0.5 - abs(v - 0.8))
                for u, v in zip(upstream.tolist(), h.tolist())]
    assert g.tolist() == pytest.approx(expected, abs=1e-7)


def test_surrogate_is_the_derivative_of_a_smoothed_step():
    """The triangle is the exact derivative of the C^1 ramp
    S(h) = integral of max(0, 1 - |t - theta|): finite differences of S
    reproduce the backward of spike()."""
    theta = 1.0

    def ramp(v):  # integral from -inf of the triangle centred on theta
        d = v - theta
        return torch.where(d <= -1, torch.zeros_like(d), torch.where(
            d <= 0, (d + 1) ** 2 / 2, torch.where(d <= 1, 1 - (1 - d) ** 2 / 2,
                                                  torch.ones_like(d))))
    h = torch.linspace(-0.7, 2.9, 37, dtype=torch.float64)
    eps = 1e-6
    numeric = (ramp(h + eps) - ramp(h - eps)) / (2 * eps)
    _, g = grad_of(lambda v: qt.spike(v, theta), h)
    assert torch.allclose(g, numeric, atol=1e-6)


def test_sign_of_zero_is_plus_one_and_ste_is_clipped():
    w = torch.tensor([-2.0, -1.0, -0.3, 0.0, 0.3, 1.0, 1.0001, 5.0])
    s, g = grad_of(qt.sign_ste, w)
    assert s.tolist() == [-1, -1, -1, 1, 1, 1, 1, 1]
    # Straight through where |w| <= 1 (the ends included), zero beyond.
    assert g.tolist() == [0, 1, 1, 1, 1, 1, 0, 0]


@pytest.mark.parametrize("norm", ["layer", "channel"])
def test_standardization_backward_matches_finite_differences(norm):
    torch.manual_seed(0)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: qt.standardize_weight(v, norm), (w,))
    w_hat = qt.standardize_weight(w.detach(), norm)
    dims = (0, 1, 2, 3) if norm == "layer" else (1, 2, 3)
    assert torch.allclose(w_hat.mean(dims), torch.zeros((), dtype=w_hat.dtype), atol=1e-12)
    assert torch.allclose((w_hat ** 2).mean(dims), torch.ones((), dtype=w_hat.dtype), atol=1e-9)


def test_channel_scale_backward_matches_finite_differences():
    torch.manual_seed(1)
    w_hat = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(qt.channel_scale, (w_hat,))


@pytest.mark.parametrize("norm", ["layer", "channel", "none"])
def test_wsdr_binary_weight_backward_matches_its_formula(norm):
    """d(alpha * B)/dW-hat = B * d(alpha)/dW-hat + alpha * 1[|W-hat| <= 1],
    then through the (smooth) standardization: written out by hand here."""
    torch.manual_seed(2)
    w = (torch.randn(4, 3, 3, 3, dtype=torch.float64) * 0.7).requires_grad_(True)
    g = torch.randn(4, 3, 3, 3, dtype=torch.float64)
    qt.binary_weight(w, norm).backward(g)

    w2 = w.detach().clone().requires_grad_(True)
    w_hat = qt.standardize_weight(w2, norm)
    with torch.no_grad():
        b = torch.where(w_hat >= 0, 1.0, -1.0)
        n = w_hat[0].numel()
        alpha = w_hat.abs().mean((1, 2, 3), keepdim=True)
        # alpha[o] = mean |W-hat[o]|: d alpha / d W-hat = sign(W-hat) / n.
        through_alpha = (g * b).sum((1, 2, 3), keepdim=True) * torch.sign(w_hat) / n
        through_sign = g * alpha * (w_hat.abs() <= 1)
    w_hat.backward(through_alpha + through_sign)
    assert torch.allclose(w.grad, w2.grad, atol=1e-12)


def test_binary_weight_forward():
    w = torch.tensor([[1.0, -2.0, 3.0, 0.0], [0.5, 0.5, -0.5, -0.5]])
    out = qt.binary_weight(w, "none")  # W-hat = W: alpha = mean |w| per row
    assert out.tolist() == [[1.5, -1.5, 1.5, 1.5], [0.5, 0.5, -0.5, -0.5]]


def test_int8_weight_levels_and_straight_through_round():
    w = torch.tensor([0.127, -0.0635, 0.001, -0.127, 0.05])
    q, g = grad_of(qt.int8_weight, w)
    s = 0.127 / 127
    assert qt.int8_scale(w).item() == pytest.approx(s)
    assert (q / s).round().tolist() == [127, -64, 1, -127, 50]  # -63.5 rounds to even
    assert torch.allclose(q, (w / s).round() * s)
    assert g.tolist() == [1, 1, 1, 1, 1]  # STE through round; |W/s| <= 127


@pytest.mark.parametrize("bits,mode,levels", [(2, "signed", 1), (4, "signed", 7),
                                              (8, "signed", 127), (2, "paper", 3),
                                              (4, "paper", 15)])
def test_membrane_quantizer_levels_and_ste(bits, mode, levels):
    assert qt.membrane_levels(bits, mode) == levels
    alpha = torch.tensor(2.0)
    x = torch.linspace(-3.0, 3.0, 601)
    q, g = grad_of(lambda v: qt.quantize_membrane(v, alpha, levels), x)
    values = sorted(set((q / 2.0 * levels).round().int().tolist()))
    assert values == list(range(-levels, levels + 1))  # 2L + 1 levels
    assert torch.equal(g, (x.abs() <= 2.0).float())  # identity inside [-a, a]
    assert qt.membrane_levels(32, mode) == 0
    assert qt.quantize_membrane(x, alpha, 0) is x


def test_firing_rate_loss_is_eq15_on_a_hand_computed_case():
    rates = [torch.tensor(r, requires_grad=True) for r in (0.1, 0.3, 0.8, 0.45, 0.9)]
    loss = qt.firing_rate_loss(rates)
    # Layers 2 .. L-1 only: (0.3-0.5)^2 + (0.8-0.5)^2 + (0.45-0.5)^2.
    assert loss.item() == pytest.approx(0.04 + 0.09 + 0.0025)
    loss.backward()
    assert rates[0].grad is None and rates[4].grad is None
    assert [r.grad.item() for r in rates[1:4]] == pytest.approx([-0.4, 0.6, -0.1])
    assert qt.firing_rate_loss(rates[:2]).item() == 0.0


def test_firing_rate_loss_from_a_network_forward():
    torch.manual_seed(3)
    model = qt.small(time_steps=2)
    model.forward_steps(torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8))
    rates = model.firing_rates()
    assert len(rates) == 3
    middle = model.features[6].firing_rate
    assert qt.firing_rate_loss(rates).item() == pytest.approx((middle.item() - 0.5) ** 2)


def test_qsnn_loss_is_eq16():
    T, lam = 2, 0.1
    step_logits = torch.tensor([[2.0, 0.0], [0.0, 1.0],    # t = 0, samples 0, 1
                                [1.0, 1.0], [3.0, 0.0]])   # t = 1
    labels = torch.tensor([0, 1])
    rates = [torch.tensor(0.2), torch.tensor(0.7), torch.tensor(0.1)]

    def ce(logits, y):
        return -logits[y] + math.log(sum(math.exp(v) for v in logits))
    per_step = [(ce([2.0, 0.0], 0) + ce([0.0, 1.0], 1)) / 2,
                (ce([1.0, 1.0], 0) + ce([3.0, 0.0], 1)) / 2]
    expected = sum(per_step) / T + lam * (0.7 - 0.5) ** 2
    assert qt.qsnn_loss(step_logits, labels, T, rates, lam).item() == \
        pytest.approx(expected, rel=1e-6)
    assert qt.qsnn_loss(step_logits, labels, T, rates, 0.0).item() == \
        pytest.approx(sum(per_step) / T, rel=1e-6)


def test_gradients_reach_every_weight_through_the_lif():
    torch.manual_seed(4)
    model = qt.tiny(time_steps=2, membrane_bits=4)
    x = torch.randint(0, 256, (4, 1, 28, 28), dtype=torch.uint8)
    steps = model.forward_steps(x)
    qt.qsnn_loss(steps, torch.tensor([0, 1, 2, 3]), 2, model.firing_rates()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
