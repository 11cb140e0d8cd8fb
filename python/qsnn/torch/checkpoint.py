"""qsnn.torch.from_checkpoint: a qsnn-train checkpoint.pt as a
SpikingNetwork, latent weights included (so training can continue with
WS-DR exactly where the C++ trainer stopped).

A checkpoint is a LibTorch archive: ``config`` (the model's JSON, see
docs/train.md), ``model`` (parameters and buffers named stage<i>...). The
builders create the same layers in the same order, so every tensor maps
one to one; ``cpp_parameter_names`` is that map.
"""
import json

import torch
import torch.nn as nn

from .architectures import build
from .blocks import BasicBlock
from .errors import QSNNError
from .neuron import LIF
from .synapses import QConv2d, QLinear

CHECKPOINT_FORMAT = "qsnn-train-checkpoint-v1"


def _tensors(module, prefix):
    for name, _ in list(module.named_parameters(recurse=False)) + \
            list(module.named_buffers(recurse=False)):
        yield "%s.%s" % (prefix, name) if prefix else name, name


def _unit(names, path, module, cpp):
    """Maps every tensor of one module (and its children) to cpp.<name>."""
    for child_path, child in module.named_modules(prefix=path):
        rel = child_path[len(path) + 1:] if child_path != path else ""
        for key, name in _tensors(child, child_path):
            names[key] = "%s.%s" % (cpp, ("%s.%s" % (rel, name)) if rel else name)


def cpp_parameter_names(model):
    """{state_dict key of ``model``: name in a qsnn-train checkpoint}.

    A C++ stage is a synapse with its BatchNorm and LIF (one unit), a pool,
    a flatten or a BasicBlock; the Python layers of a unit are separate
    modules of ``features``.
    """
    names, stage = {}, -1
    open_unit = False
    for path, module in model.stages():
        if isinstance(module, (QConv2d, QLinear)):
            stage += 1
            open_unit = True
            _unit(names, path, module, "stage%d" % stage)
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and open_unit:
            _unit(names, path, module, "stage%d.bn" % stage)
        elif isinstance(module, LIF) and open_unit:
            _unit(names, path, module, "stage%d.lif" % stage)
            open_unit = False
        elif isinstance(module, BasicBlock):
            stage += 1
            open_unit = False
            block = "stage%d" % stage
            for child, cpp in (("conv1", "conv1"), ("bn1", "conv1.bn"),
                               ("lif1", "conv1.lif"), ("conv2", "conv2"),
                               ("bn2", "conv2.bn"), ("shortcut.0", "shortcut"),
                               ("shortcut.1", "shortcut.bn"), ("lif2", "lif")):
                if _has(module, child):  # no shortcut.* for an identity shortcut
                    _unit(names, "%s.%s" % (path, child), module.get_submodule(child),
                          "%s.%s" % (block, cpp))
        else:
            stage += 1
            open_unit = False
    return names


def _has(module, path):
    try:
        return module.get_submodule(path) is not None
    except AttributeError:
        return False


def _read(path):
    try:
        archive = torch.jit.load(str(path), map_location="cpu")
        fmt = archive._c.getattr("format")
        config = json.loads(archive._c.getattr("config"))
    except Exception as e:
        raise QSNNError("%s: not a qsnn-train checkpoint (%s)"
                        % (path, str(e).splitlines()[0])) from None
    if fmt != CHECKPOINT_FORMAT:
        raise QSNNError("%s: format %r, expected %r" % (path, fmt, CHECKPOINT_FORMAT))
    state = {}
    for name, tensor in list(archive.named_parameters()) + list(archive.named_buffers()):
        if name.startswith("model."):
            state[name[len("model."):]] = tensor.detach().clone()
    return config, state


def model_from_config(config):
    """The SpikingNetwork a qsnn-train model config describes."""
    c, h, w = config["input_shape"]
    return build(config["arch"], in_channels=c, input_size=(h, w),
                 num_classes=config["num_classes"],
                 time_steps=config["time_steps"],
                 membrane_bits=config["membrane_bits"],
                 weight_bits=config.get("weight_bits", 1),
                 levels=config["levels"], fire_on=config["fire_on"],
                 weight_norm=config["weight_norm"], tau=config["tau"],
                 threshold=config["threshold"],
                 events=config["input_kind"] == "events",
                 zero_point=config["zero_point"] or None,
                 scale=config["scale"] or None, dataset=config["dataset"],
                 class_names=config["class_names"])


def from_checkpoint(path):
    """The SpikingNetwork of a ``qsnn-train fit`` checkpoint, with every
    parameter and buffer (running BatchNorm statistics, each LIF's
    alpha_hat) loaded, in eval mode (``model.train()`` to continue
    training)."""
    config, state = _read(path)
    model = model_from_config(config)
    names = cpp_parameter_names(model)
    own = model.state_dict()
    missing = sorted(set(names.values()) - set(state))
    extra = sorted(set(state) - set(names.values()))
    if missing or extra:
        raise QSNNError("%s: tensors do not match architecture %r (missing %s, "
                        "unexpected %s)" % (path, config["arch"], missing[:3], extra[:3]))
    loaded = {}
    for key, cpp in names.items():
        if own[key].shape != state[cpp].shape:
            raise QSNNError("%s: %s has shape %s, %s expects %s" % (
                path, cpp, list(state[cpp].shape), key, list(own[key].shape)))
        loaded[key] = state[cpp]
    for key in own:  # the encoder's normalization comes from the config
        loaded.setdefault(key, own[key])
    model.load_state_dict(loaded)
    model.eval()
    return model
