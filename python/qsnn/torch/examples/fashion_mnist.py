"""Train a Q-SNN on Fashion-MNIST with qsnn.torch, then export it.

    /usr/bin/python3 -m qsnn.torch.examples.fashion_mnist --epochs 1 --threads 2 -o runs/torch

writes to the output folder (docs/torch.md lists every option):

* checkpoint.pt     after every epoch (model, optimizer, epochs done, the
                    builder's options); --resume continues it;
* metrics.jsonl     one JSON object per epoch, the fields qsnn-train writes
                    (so python -m qsnn.plots can draw the run);
* model/            model.onnx and test_data_set_0/ (qsnn.torch.export),
                    ready for qsnn-compile;
* predictions.txt   the PyTorch eval prediction of every test image, one per
                    line, to compare with qsnn-run --save-predictions.

The recipe is qsnn-train fit's (docs/train.md): SGD with momentum, cosine
learning rate per iteration, weight decay on conv/linear weights only, the
loss of Eq. 16 with lambda = 1e-3, input normalization from the training
split.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

import qsnn.torch as qt
from qsnn.torch.examples.idx import (FASHION_MNIST_CLASSES, FASHION_MNIST_DIR,
                                     IdxError, load_split)
from qsnn.torch.examples.progress import ProgressBar
from qsnn.torch.training import cosine_lr, input_normalization, parameter_groups

CHECKPOINT_FORMAT = "qsnn-torch-example-checkpoint-v1"
#: Options that define the model; a resumed run must not change them.
MODEL_OPTIONS = ("arch", "time_steps", "membrane_bits", "weight_bits",
                 "levels", "fire_on", "weight_norm")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m qsnn.torch.examples.fashion_mnist",
        description="Train a Q-SNN on Fashion-MNIST with qsnn.torch and export "
                    "it to the ai.qsnn ONNX schema.")
    p.add_argument("--data-dir", default=FASHION_MNIST_DIR,
                   help="folder of the four idx files (default: %(default)s)")
    p.add_argument("--arch", default="small", choices=["tiny", "small"],
                   help="architecture (default: %(default)s)")
    p.add_argument("-T", "--time-steps", type=int, default=4, help="time steps T (default: 4)")
    p.add_argument("--membrane-bits", type=int, default=2, choices=[2, 4, 8, 32],
                   help="membrane bits k, 32 = unquantized (default: 2)")
    p.add_argument("--weight-bits", type=int, default=1, choices=[1, 32],
                   help="1: binary hidden layers, 8-bit first and last; 32: all "
                        "float (default: 1)")
    p.add_argument("--levels", default="signed", choices=["signed", "paper"],
                   help="membrane levels (default: %(default)s)")
    p.add_argument("--fire-on", default="full", choices=["full", "quantized"],
                   help="threshold the full-precision or the quantized membrane "
                        "(default: %(default)s)")
    p.add_argument("--weight-norm", default=None, choices=["layer", "channel", "none"],
                   help="WS-DR standardization (default: channel; none with "
                        "--weight-bits 32)")
    p.add_argument("--lambda", dest="lam", type=float, default=1e-3,
                   help="weight of the firing-rate loss (default: 0.001)")
    p.add_argument("--lr", type=float, default=0.1, help="initial learning rate (default: 0.1)")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (default: 0.9)")
    p.add_argument("--weight-decay", type=float, default=1e-4,
                   help="on conv/linear weights (default: 0.0001)")
    p.add_argument("--epochs", type=int, default=1,
                   help="epochs, also the cosine schedule's length (default: 1)")
    p.add_argument("--batch", "--batch-size", dest="batch_size", type=int,
                   default=128, help="samples per step (default: 128)")
    p.add_argument("--seed", type=int, default=0, help="initialization and shuffling (default: 0)")
    p.add_argument("--threads", type=int, default=0,
                   help="torch.set_num_threads; 0 keeps PyTorch's default (default: 0)")
    p.add_argument("--limit-train", type=int, default=-1,
                   help="use the first N training images (-1: all)")
    p.add_argument("--limit-test", type=int, default=-1,
                   help="use the first N test images (-1: all)")
    p.add_argument("--hflip", action="store_true", help="augment: random horizontal flips")
    p.add_argument("--test-vectors", type=int, default=16,
                   help="test images in model/test_data_set_0 (default: 16)")
    p.add_argument("-o", "--output", default="torch-fashion-mnist",
                   help="output folder (default: %(default)s)")
    p.add_argument("--resume", action="store_true",
                   help="continue from OUTPUT/checkpoint.pt")
    p.add_argument("--overwrite", action="store_true",
                   help="start over although OUTPUT holds a checkpoint")
    args = p.parse_args(argv)
    for name in ("time_steps", "epochs", "batch_size"):
        if getattr(args, name) < 1:
            p.error("--%s must be >= 1" % name.replace("_", "-"))
    if args.threads < 0:
        p.error("--threads must be >= 0")
    if args.test_vectors < 1:
        p.error("--test-vectors must be >= 1 (the export needs a sample)")
    return args


def build_options(args, train_images):
    zero_point, scale = input_normalization(train_images)
    return dict(arch=args.arch, time_steps=args.time_steps,
                membrane_bits=args.membrane_bits, weight_bits=args.weight_bits,
                levels=args.levels, fire_on=args.fire_on,
                weight_norm=args.weight_norm, zero_point=zero_point, scale=scale,
                dataset="fashion-mnist", class_names=FASHION_MNIST_CLASSES)


def evaluate(model, images, labels, batch_size=256):
    """(accuracy, per-LIF firing rates, predictions) of the eval model."""
    model.eval()
    predictions, rates = [], None
    with torch.no_grad():
        for first in range(0, len(images), batch_size):
            x = torch.from_numpy(images[first:first + batch_size])
            predictions.append(model(x).argmax(1).numpy())
            batch = [r.item() * len(x) for r in model.firing_rates()]
            rates = batch if rates is None else [a + b for a, b in zip(rates, batch)]
    predictions = np.concatenate(predictions)
    n = max(len(images), 1)
    return float((predictions == labels).mean()), [r / n for r in rates], predictions


def train_epoch(model, optimizer, images, labels, args, epoch, rng):
    model.train()
    order = rng.permutation(len(images))
    batches = (len(images) + args.batch_size - 1) // args.batch_size
    total = batches * args.epochs
    bar = ProgressBar("epoch %d/%d" % (epoch + 1, args.epochs), len(images))
    loss_sum, correct, seen, first_lr = 0.0, 0, 0, None
    rate_sums = None
    for b in range(batches):
        lr = cosine_lr(args.lr, epoch * batches + b, total)
        first_lr = lr if first_lr is None else first_lr
        for group in optimizer.param_groups:
            group["lr"] = lr
        index = order[b * args.batch_size:(b + 1) * args.batch_size]
        x = images[index]
        if args.hflip:
            flip = rng.random(len(x)) < 0.5
            x = x.copy()
            x[flip] = x[flip][..., ::-1]
        x, y = torch.from_numpy(x), torch.from_numpy(labels[index])
        steps = model.forward_steps(x)
        rates = model.firing_rates()
        loss = qt.qsnn_loss(steps, y, args.time_steps, rates, args.lam)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        n = len(index)
        loss_sum += loss.item() * n
        correct += int((model.readout(steps.detach()).argmax(1) == y).sum())
        seen += n
        batch_rates = [r.item() for r in rates]
        rate_sums = [r * n for r in batch_rates] if rate_sums is None else \
            [s + r * n for s, r in zip(rate_sums, batch_rates)]
        bar.update(seen, "loss %.4f acc %.2f%% fr %.3f" % (
            loss_sum / seen, 100.0 * correct / seen, float(np.mean(batch_rates))))
    seconds = bar.elapsed()
    bar.finish("loss %.4f acc %.2f%%" % (loss_sum / seen, 100.0 * correct / seen))
    return dict(loss=loss_sum / seen, train_accuracy=correct / seen,
                firing_rate=[s / seen for s in rate_sums], lr=first_lr,
                seconds=seconds)


def save_checkpoint(path, model, optimizer, options, epochs_done):
    temp = "%s.tmp.%d" % (path, os.getpid())
    torch.save({"format": CHECKPOINT_FORMAT, "options": options,
                "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epochs_done": epochs_done}, temp)
    os.replace(temp, path)


def load_checkpoint(path, args):
    state = torch.load(path, map_location="cpu")
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        sys.exit("fashion_mnist: %s is not a checkpoint of this script" % path)
    for name in MODEL_OPTIONS:
        given = getattr(args, name)
        stored = state["options"][name]
        if name in args.explicit and given != stored:
            sys.exit("fashion_mnist: %s was trained with --%s %s, not %s"
                     % (path, name.replace("_", "-"), stored, given))
    return state


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    # Model options given on the command line, which --resume must honour.
    args.explicit = {"time_steps" if a == "-T" else
                     a.lstrip("-").split("=")[0].replace("-", "_")
                     for a in argv if a.startswith("--") or a == "-T"}
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    os.makedirs(args.output, exist_ok=True)
    checkpoint = os.path.join(args.output, "checkpoint.pt")
    if os.path.exists(checkpoint) and not (args.resume or args.overwrite):
        sys.exit("fashion_mnist: %s already holds a checkpoint; pass --resume "
                 "to continue it or --overwrite to start over" % args.output)
    if args.resume and not os.path.exists(checkpoint):
        sys.exit("fashion_mnist: --resume: %s does not exist" % checkpoint)
    try:
        train_images, train_labels = load_split(args.data_dir, "train", args.limit_train)
        test_images, test_labels = load_split(args.data_dir, "test", args.limit_test)
    except IdxError as e:
        sys.exit("fashion_mnist: %s" % e)

    torch.manual_seed(args.seed)
    state = load_checkpoint(checkpoint, args) if args.resume else None
    options = state["options"] if state else build_options(args, train_images)
    for name in MODEL_OPTIONS:  # a resumed run takes the stored model
        setattr(args, name, options[name])
    model = qt.build(in_channels=1, input_size=(28, 28), num_classes=10, **options)
    optimizer = torch.optim.SGD(parameter_groups(model, args.weight_decay),
                                lr=args.lr, momentum=args.momentum)
    epochs_done = 0
    if state:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        epochs_done = state["epochs_done"]
    metrics = os.path.join(args.output, "metrics.jsonl")
    if not state:
        open(metrics, "w").close()

    predictions = None
    for epoch in range(epochs_done, args.epochs):
        rng = np.random.default_rng(args.seed * 1000003 + epoch)
        stats = train_epoch(model, optimizer, train_images, train_labels, args,
                            epoch, rng)
        accuracy, test_rates, predictions = evaluate(model, test_images, test_labels)
        balance = [m.sign_balance() for m in model.modules()
                   if isinstance(m, (qt.QConv2d, qt.QLinear)) and m.weight_bits == 1]
        record = dict(epoch=epoch + 1, loss=stats["loss"],
                      train_accuracy=stats["train_accuracy"],
                      test_accuracy=accuracy, firing_rate=stats["firing_rate"],
                      test_firing_rate=test_rates, weight_sign_balance=balance,
                      lr=stats["lr"], seconds=stats["seconds"])
        with open(metrics, "a") as f:
            f.write(json.dumps(record) + "\n")
        print("epoch %d: test accuracy %.2f%% (%d images)"
              % (epoch + 1, 100 * accuracy, len(test_images)), file=sys.stderr)
        save_checkpoint(checkpoint, model, optimizer, options, epoch + 1)

    if predictions is None:  # resumed after the last epoch: evaluate once
        accuracy, _, predictions = evaluate(model, test_images, test_labels)
    with open(os.path.join(args.output, "predictions.txt"), "w") as f:
        f.write("".join("%d\n" % p for p in predictions))
    sample = test_images[:args.test_vectors]
    exported = qt.export(model, os.path.join(args.output, "model"), sample=sample)
    print("test accuracy %.2f%%; wrote %s, its test vectors and predictions.txt"
          % (100 * accuracy, exported), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
