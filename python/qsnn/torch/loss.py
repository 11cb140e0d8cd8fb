"""The firing-rate regulation (Eq. 15) and the Q-SNN loss (Eq. 16),
docs/spec.md §3."""
import torch
import torch.nn.functional as F


def firing_rate_loss(rates):
    """L_s = sum over l = 2 .. L-1 of (f_l - 0.5)^2.

    ``rates`` are the f_l of the LIF layers in forward order (e.g.
    ``model.firing_rates()``); the first follows the input and the last
    feeds the readout, so both are left free. A zero tensor with fewer than
    three layers.
    """
    loss = torch.zeros(())
    for rate in rates[1:-1]:
        loss = loss + (rate - 0.5).pow(2)
    return loss


def qsnn_loss(step_logits, labels, time_steps, rates, lam=1e-3):
    """(1/T) sum_t CE(o_t, y) + lam * L_s.

    ``step_logits`` is [T*N, K] time-major (``model.forward_steps(x)``),
    ``labels`` [N] int64. The mean over all T*N rows equals (1/T) sum_t of
    the per-step batch means.
    """
    ce = F.cross_entropy(step_logits, labels.repeat(time_steps))
    if lam == 0:
        return ce
    return ce + lam * firing_rate_loss(rates)
