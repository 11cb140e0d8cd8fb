"""The figures, one function each, drawn on Agg canvases.

Figures are built with ``matplotlib.figure.Figure`` and an explicit Agg
canvas instead of pyplot: no display is touched whatever MPLBACKEND says, and
nothing global (current figure, backend) changes for a program that imports
this module. Sizes are fixed in pixels (no tight bounding box) so that
scripts and tests can rely on them; see ``pixel_size``.
"""
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
WIDTH_IN = 10.0
ROW_HEIGHT_IN = 4.0
#: Batch sizes of the paper's Table 2; the artifact's own batch is added.
TABLE2_BATCHES = (1, 64, 256)
_PALETTE = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
            "tab:brown", "tab:pink", "tab:gray", "tab:olive", "tab:cyan"]


def pixel_size(kind, runs=1):
    """(width, height) in pixels of a figure: ``curves``, ``memory`` and
    ``ablation`` have one row; ``firing_rate`` and ``weight_sign_balance``
    one row per run."""
    rows = runs if kind in ("firing_rate", "weight_sign_balance") else 1
    return int(WIDTH_IN * DPI), int(ROW_HEIGHT_IN * DPI * rows)


def _figure(kind, runs=1):
    width, height = pixel_size(kind, runs)
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save(fig, path):
    """Writes a PNG at the figure's fixed pixel size."""
    fig.savefig(path, dpi=DPI, format="png")


def _color(i):
    return _PALETTE[i % len(_PALETTE)]


def _epochs(run):
    return run.series("epoch")


def _layer_series(run, key):
    """[layer][epoch] from the run's [epoch][layer] lists."""
    per_epoch = run.series(key)
    return [list(col) for col in zip(*per_epoch)]


def curves(runs):
    """Loss and train/test accuracy per epoch, all runs overlaid."""
    fig = _figure("curves")
    loss_ax, acc_ax = fig.subplots(1, 2)
    for i, run in enumerate(runs):
        x = _epochs(run)
        loss_ax.plot(x, run.series("loss"), "o-", color=_color(i),
                     label=run.name)
        acc_ax.plot(x, [100 * a for a in run.series("train_accuracy")], "o--",
                    color=_color(i), label="%s train" % run.name)
        acc_ax.plot(x, [100 * a for a in run.series("test_accuracy")], "s-",
                    color=_color(i), label="%s test" % run.name)
    loss_ax.set(title="training loss (Eq. 16)", xlabel="epoch", ylabel="loss")
    acc_ax.set(title="accuracy", xlabel="epoch", ylabel="accuracy (%)")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        _integer_ticks(ax)
    fig.tight_layout()
    return fig


def _integer_ticks(ax):
    """Whole epochs on the x axis; a single epoch sits in the middle of
    [0.5, 1.5] instead of a sliver around it."""
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    low, high = ax.get_xlim()
    if high - low < 1:
        middle = round((low + high) / 2)
        ax.set_xlim(middle - 0.5, middle + 0.5)


def _probability_bars(ax, values, labels, one, zero, title):
    """Grouped bars P(x = one) = v and P(x = zero) = 1 - v per layer, with
    the 0.5 line where a binary variable carries the most information."""
    n = len(values)
    xs = range(n)
    width = 0.38
    ax.bar([x - width / 2 for x in xs], [1 - v for v in values], width,
           color="tab:gray", label=zero)
    ax.bar([x + width / 2 for x in xs], values, width, color="tab:blue",
           label=one)
    ax.axhline(0.5, color="black", linestyle=":", linewidth=1,
               label="0.5 (max entropy)")
    pad = max(0, 3 - n) / 2  # keep one or two layers' bars narrow, centred
    ax.set_xlim(-0.7 - pad, n - 0.3 + pad)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels, fontsize="small")
    ax.set(ylim=(0, 1.2), ylabel="probability", title=title)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.legend(fontsize="small", loc="upper center", ncol=3)


def _no_layers(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _per_layer_figure(name, runs, layer_name, count_of, empty, draw):
    """Two panels per run: a trend per epoch and the final epoch's bars, for
    the `count_of(run)` layers named `layer_name % (i + 1)`; a run without
    such layers says `empty`. `draw(trend, final, run, labels, epochs)`
    fills both panels."""
    fig = _figure(name, len(runs))
    axes = fig.subplots(len(runs), 2, squeeze=False)
    for (trend, final), run in zip(axes, runs):
        labels = [layer_name % (i + 1) for i in range(count_of(run))]
        if not labels:
            _no_layers(trend, "%s: %s" % (run.name, empty))
            _no_layers(final, "")
            continue
        draw(trend, final, run, labels, _epochs(run))
        trend.grid(alpha=0.3)
        trend.legend(fontsize="small", ncol=2)
        _integer_ticks(trend)
    fig.tight_layout()
    return fig


def firing_rate(runs):
    """Per run: f_l per epoch for every LIF layer (solid: training batches,
    dashed: test set), and the final epoch's spike distribution per layer,
    P(s = 1) = f_l and P(s = 0) = 1 - f_l (paper Fig. 2 / Fig. 4(b))."""
    def draw(trend, final, run, labels, x):
        train = _layer_series(run, "firing_rate")
        test = _layer_series(run, "test_firing_rate")
        for i, label in enumerate(labels):
            trend.plot(x, train[i], "o-", color=_color(i), label=label)
            if i < len(test):
                trend.plot(x, test[i], "--", color=_color(i))
        trend.plot([], [], "k--", label="test set")
        trend.set(title="%s: firing rate f_l per epoch" % run.name,
                  xlabel="epoch", ylabel="f_l (spikes per neuron and step)",
                  ylim=(0, max(0.6, _finite_max(train + test) * 1.1)))
        _probability_bars(final, run.final["firing_rate"], labels, "s = 1",
                          "s = 0", "%s: spikes after epoch %d"
                          % (run.name, run.final["epoch"]))
    return _per_layer_figure("firing_rate", runs, "LIF %d",
                             lambda run: run.num_lif_layers, "no LIF layers",
                             draw)


def weight_sign_balance(runs):
    """Per run: p_w (fraction of +1 in sign(W_hat)) per epoch for every
    binary layer, and the final P(w = +1) / P(w = -1) per layer (paper
    Fig. 4(a)); WS-DR should keep p_w near 0.5."""
    def draw(trend, final, run, labels, x):
        balance = _layer_series(run, "weight_sign_balance")
        for i, label in enumerate(labels):
            trend.plot(x, balance[i], "o-", color=_color(i), label=label)
        trend.axhline(0.5, color="black", linestyle=":", linewidth=1)
        trend.set(title="%s: weight sign balance p_w per epoch" % run.name,
                  xlabel="epoch", ylabel="p_w = P(w = +1)", ylim=(0, 1))
        _probability_bars(final, run.final["weight_sign_balance"], labels,
                          "w = +1", "w = -1", "%s: weights after epoch %d"
                          % (run.name, run.final["epoch"]))
    return _per_layer_figure("weight_sign_balance", runs, "binary %d",
                             lambda run: run.num_binary_layers,
                             "no binary-weight layers", draw)


def _finite_max(rows):
    values = [v for row in rows for v in row if math.isfinite(v)]
    return max(values, default=0.0)


def _format_bytes(n):
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return "%.2f %s" % (n / scale, unit)
    return "%d B" % n


def memory(plan):
    """Table 2 style: for the paper's batch sizes and the artifact's own,
    stacked bars of weights + membranes for the 32w-32u float model (same
    counts, 4 bytes each) and the deployed artifact, with the reduction."""
    fig = _figure("memory")
    batches = sorted(set(TABLE2_BATCHES) | {plan.batch})
    axes = fig.subplots(1, len(batches), squeeze=False)[0]
    names = ["float\n32w-32u", "%s\n(%s)" % (plan.name, plan.numerics)]
    for ax, batch in zip(axes, batches):
        parts = [plan.float_parts(batch), plan.deployed_parts(batch)]
        weights = [p[0] for p in parts]
        membranes = [p[1] for p in parts]
        ax.bar(names, weights, color="tab:blue", label="weights")
        ax.bar(names, membranes, bottom=weights, color="tab:orange",
               label="membranes")
        full, deployed = plan.float_bytes(batch), plan.deployed_bytes(batch)
        reduction = 100 * (1 - deployed / full) if full else 0.0
        ax.text(0, full, _format_bytes(full), ha="center", va="bottom",
                fontsize="small")
        ax.text(1, deployed, "%s\n(-%.2f%%)" % (_format_bytes(deployed),
                                                reduction),
                ha="center", va="bottom", fontsize="small")
        ax.set_ylim(0, full * 1.25 if full else 1)
        own = " (compiled)" if batch == plan.batch else ""
        ax.set_title("batch %d%s" % (batch, own), fontsize="medium")
        ax.tick_params(axis="x", labelsize="small")
        ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    axes[0].set_ylabel("bytes")
    axes[-1].legend(fontsize="small", loc="upper right")
    fig.suptitle("memory footprint: weights + live membranes (Table 2)")
    fig.tight_layout()
    return fig


def ablation(runs):
    """Final test accuracy per run, labelled by run name (paper Fig. 5,
    e.g. Q-SNN, Q-SNN + WS-DR, float SNN)."""
    fig = _figure("ablation")
    ax = fig.subplots()
    names = [run.name for run in runs]
    values = [100 * run.final["test_accuracy"] for run in runs]
    bars = ax.bar(names, values, color=[_color(i) for i in range(len(runs))])
    for bar, value in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(),
                "%.2f%%" % value, ha="center", va="bottom")
    finite = [v for v in values if math.isfinite(v)]
    low = min(finite, default=0.0)
    ax.set_ylim(max(0.0, low - 10), 100)
    ax.set(ylabel="final test accuracy (%)",
           title="ablation: final test accuracy per run")
    ax.grid(axis="y", alpha=0.3)
    if len(names) > 4:
        for label in ax.get_xticklabels():
            label.set_rotation(20)
            label.set_ha("right")
    fig.tight_layout()
    return fig
