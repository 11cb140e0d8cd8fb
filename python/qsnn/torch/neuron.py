"""The multi-step LIF neuron with a k-bit membrane (docs/spec.md §3).

Tensors are time-major with time merged into the batch: row t*N + n of a
[T*N, ...] tensor is step t of sample n, so convolutions, BatchNorm and
pooling run once over all steps and only the neuron loops over time.
"""
import torch
import torch.nn as nn

from .errors import QSNNError
from .functional import FIRE_ON, LEVEL_MODES, membrane_levels, quantize_membrane, spike

#: Membrane widths the ai.qsnn schema and the compiler accept. The module
#: trains with any k from 2 to 16 as well; export refuses the others.
SCHEMA_MEMBRANE_BITS = (2, 4, 8, 32)


class LIF(nn.Module):
    """Leaky integrate-and-fire neuron with hard reset and a quantized
    membrane, over T steps of a merged [T*N, ...] input.

    Per step t (u_0 = 0):  h = tau * u_{t-1} + I_t, then

    * ``fire_on="full"``:      s = [h >= theta],    u_t = Q(h * (1 - s))
    * ``fire_on="quantized"``: s = [Q(h) >= theta], u_t = Q(h) * (1 - s)

    with Q the membrane quantizer of Eq. 8 at scale alpha_u and L levels per
    sign (``levels="signed"``: L = 2^(k-1) - 1, ``"paper"``: L = 2^k - 1;
    k = 32: no quantization). Training uses each step's batch max |h| as
    alpha_u and updates the running estimate ``alpha_hat`` once per forward
    with the mean of those maxima (the first observation sets it, later ones
    an EMA with ``momentum``, like BatchNorm's statistics). Eval and export
    use ``alpha_hat``. Spikes are Heaviside forward, triangular surrogate
    max(0, w - |h - theta|) backward with w = ``surrogate_width``.

    Args:
        time_steps: T, the number of steps merged into the batch.
        tau: the membrane decay (0 < tau <= 1). ``beta`` is an alias, the
            name snnTorch's ``Leaky`` uses for the same factor.
        threshold: theta.
        membrane_bits: k; 2, 4, 8 or 32 (no quantization) are exportable.
        levels: ``"signed"`` or ``"paper"``.
        fire_on: ``"full"`` or ``"quantized"``.
        momentum: EMA momentum of ``alpha_hat``.
        surrogate_width: the surrogate's half-width (Eq. 5's beta, 1).
        reset: ``"hard"`` only (snnTorch's ``reset_mechanism="zero"``).

    After a forward, ``firing_rate`` holds the mean spike rate over
    (T, N, neurons), with its graph, for the firing-rate loss (Eq. 15).
    """

    def __init__(self, time_steps=4, tau=None, threshold=1.0, membrane_bits=2,
                 levels="signed", fire_on="full", momentum=0.1,
                 surrogate_width=1.0, reset="hard", *, beta=None):
        super().__init__()
        if tau is not None and beta is not None and tau != beta:
            raise QSNNError("LIF: tau=%r and its alias beta=%r disagree" % (tau, beta))
        tau = tau if tau is not None else (beta if beta is not None else 0.5)
        if not isinstance(time_steps, int) or time_steps < 1:
            raise QSNNError("LIF: time_steps must be a positive integer, got %r" % (time_steps,))
        if not 0.0 < tau <= 1.0:
            raise QSNNError("LIF: tau (beta) must be in (0, 1], got %r" % (tau,))
        if not threshold > 0.0:
            raise QSNNError("LIF: threshold must be > 0, got %r" % (threshold,))
        if not isinstance(membrane_bits, int) or \
                not (2 <= membrane_bits <= 16 or membrane_bits == 32):
            raise QSNNError("LIF: membrane_bits must be 2 to 16 or 32, got %r" % (membrane_bits,))
        if levels not in LEVEL_MODES:
            raise QSNNError("LIF: levels must be 'signed' or 'paper', got %r" % (levels,))
        if fire_on not in FIRE_ON:
            raise QSNNError("LIF: fire_on must be 'full' or 'quantized', got %r" % (fire_on,))
        if reset != "hard":
            raise QSNNError("LIF: only reset='hard' (to zero) is implemented, got %r" % (reset,))
        self.time_steps = time_steps
        self.tau = float(tau)
        self.threshold = float(threshold)
        self.membrane_bits = membrane_bits
        self.levels = levels
        self.fire_on = fire_on
        self.momentum = float(momentum)
        self.surrogate_width = float(surrogate_width)
        self.reset = reset
        # 1.0 (= theta) until the first training batch replaces it.
        self.register_buffer("alpha_hat", torch.ones(()))
        self.register_buffer("num_updates", torch.zeros((), dtype=torch.long))
        self.firing_rate = None

    @property
    def beta(self):
        """snnTorch's name for the decay: the same number as ``tau``."""
        return self.tau

    @property
    def num_levels(self):
        """L, the levels per sign (0: unquantized)."""
        return membrane_levels(self.membrane_bits, self.levels)

    def step(self, membrane, current, alpha):
        """One step of Eq. 1-3 with the quantizer; returns (spikes, membrane)."""
        levels = self.num_levels
        h = membrane * self.tau + current
        if self.fire_on == "full":
            # Compare the adder's full-precision output, store it quantized.
            s = spike(h, self.threshold, self.surrogate_width)
            return s, quantize_membrane(h * (1.0 - s), alpha, levels)
        # Algorithm 1 literally: quantize, then fire on the quantized value.
        hq = quantize_membrane(h, alpha, levels)
        s = spike(hq, self.threshold, self.surrogate_width)
        return s, hq * (1.0 - s)

    def forward(self, x):
        steps = self.time_steps
        if x.size(0) % steps:
            raise QSNNError("LIF: input batch %d is not a multiple of T = %d"
                            % (x.size(0), steps))
        currents = x.chunk(steps, dim=0)
        membrane = torch.zeros_like(currents[0])
        spikes, step_alphas = [], []
        for current in currents:
            if self.training:
                # alpha_u of this step: the batch max |h| (detached).
                alpha = (membrane * self.tau + current).detach().abs().max()
                step_alphas.append(alpha)
            else:
                alpha = self.alpha_hat
            s, membrane = self.step(membrane, current, alpha)
            spikes.append(s)
        if self.training:
            self._observe_alpha(torch.stack(step_alphas))
        out = torch.cat(spikes, dim=0)
        self.firing_rate = out.mean()
        return out

    @torch.no_grad()
    def _observe_alpha(self, step_alphas):
        observed = step_alphas.mean().to(self.alpha_hat.dtype)
        if self.num_updates.item() == 0:
            self.alpha_hat.copy_(observed)
        else:
            self.alpha_hat.mul_(1.0 - self.momentum).add_(observed * self.momentum)
        self.num_updates.add_(1)

    def extra_repr(self):
        return ("time_steps=%d, tau=%g, threshold=%g, membrane_bits=%d, "
                "levels=%r, fire_on=%r" % (self.time_steps, self.tau,
                                           self.threshold, self.membrane_bits,
                                           self.levels, self.fire_on))
