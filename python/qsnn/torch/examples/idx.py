"""A reader of the idx files MNIST and Fashion-MNIST are published in
(gzipped or not): big-endian magic 0x0000, a type byte (0x08: uint8), the
number of dimensions, then one uint32 extent per dimension and the data."""
import gzip
import os
import struct

import numpy as np

#: The Debian package dataset-fashion-mnist installs the four files here.
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SPLIT_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class IdxError(Exception):
    """A missing or malformed idx file, named."""


def read_idx(path):
    """The uint8 array in an idx file (``path`` or ``path``.gz)."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise IdxError("%s: cannot be read (%s)" % (path, e)) from None
    if len(data) < 4 or data[0:2] != b"\0\0" or data[2] != 0x08:
        raise IdxError("%s: not an idx file of uint8 data" % path)
    rank = data[3]
    header = 4 + 4 * rank
    if len(data) < header:
        raise IdxError("%s: truncated header" % path)
    shape = struct.unpack(">" + "I" * rank, data[4:header])
    count = int(np.prod(shape)) if shape else 1
    if len(data) - header != count:
        raise IdxError("%s: %d bytes of data, the header says %d"
                       % (path, len(data) - header, count))
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_split(directory, split, limit=-1):
    """(images uint8 [N, 1, H, W], labels int64 [N]) of ``split`` (train or
    test), the first ``limit`` samples when limit >= 0."""
    image_file, label_file = SPLIT_FILES[split]
    images = read_idx(os.path.join(directory, image_file))
    labels = read_idx(os.path.join(directory, label_file))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise IdxError("%s: %s images %s and labels %s do not match"
                       % (directory, split, images.shape, labels.shape))
    if limit >= 0:
        images, labels = images[:limit], labels[:limit]
    return images[:, None].copy(), labels.astype(np.int64)
