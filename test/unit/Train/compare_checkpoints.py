"""Compares the model tensors (parameters and buffers: BatchNorm running
statistics, each LIF's alpha_hat) of two qsnn-train checkpoints.

Usage: compare_checkpoints.py A B (--within TOL | --differ-by TOL)
  --within TOL     every tensor of A equals B's within TOL (max |a - b|)
  --differ-by TOL  some tensor differs by more than TOL (the comparison
                   above would have caught a difference of that size)
Prints the largest difference and the tensor it is in.
"""
import sys

import torch


def model_tensors(path):
    archive = torch.jit.load(path, map_location="cpu")
    found = {}
    for name, t in list(archive.named_parameters()) + list(archive.named_buffers()):
        if name.startswith("model."):
            found[name[len("model."):]] = t.detach().double()
    if not found:
        sys.exit("%s: no model tensors" % path)
    return found


def main(a_path, b_path, mode, tol):
    a, b = model_tensors(a_path), model_tensors(b_path)
    if sorted(a) != sorted(b):
        sys.exit("different tensors: %s vs %s" % (sorted(a)[:3], sorted(b)[:3]))
    worst, where = 0.0, ""
    for name in sorted(a):
        if a[name].shape != b[name].shape:
            sys.exit("%s: shape %s vs %s" % (name, list(a[name].shape), list(b[name].shape)))
        d = (a[name] - b[name]).abs().max().item() if a[name].numel() else 0.0
        if d > worst:
            worst, where = d, name
    print("max |difference| %.3g in %s over %d tensors" % (worst, where or "-", len(a)))
    if mode == "--within" and worst > tol:
        sys.exit("difference %.3g exceeds %g" % (worst, tol))
    if mode == "--differ-by" and worst <= tol:
        sys.exit("the checkpoints agree within %g" % tol)


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[3] not in ("--within", "--differ-by"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
