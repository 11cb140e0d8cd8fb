"""Example training scripts for qsnn.torch (docs/torch.md)."""
