"""The check of a saved net's weights against the net that its saved settings build.

A model file stores a net as its module class, the module's constructor arguments and its state dict (and
the same for its loss). Before the estimator builds the net, :func:`expected_state` builds the module on
torch's meta device (shapes and dtypes, no memory, no random numbers), and :func:`check_tensors` compares the
saved tensors with its state dict: the same keys, shapes and dtypes, and finite values. Building on meta costs
no memory whatever sizes the settings ask for, and stops after a number of torch calls proportional to the
number of saved tensors, so settings that ask for a thousand layers cannot make the check slow.
"""

from __future__ import annotations

import inspect

import torch
from torch.overrides import TorchFunctionMode

from ..estimators import GLOBAL_RNG_LOCK
from ._archive import Problem

__all__ = ["check_finite", "check_tensors", "expected_state"]

#: Torch calls a module's constructor may make per saved tensor (our layers make 11 to 13 per tensor).
_CALLS_PER_TENSOR = 16
#: In-place random and constant fills (tensor methods and ``torch.nn.init``), skipped on meta tensors.
_FILLS = frozenset(
    [
        *(getattr(torch.Tensor, name) for name in ("normal_", "uniform_", "random_", "bernoulli_", "exponential_")),
        *(getattr(torch.Tensor, name) for name in ("geometric_", "cauchy_", "log_normal_", "zero_", "fill_")),
        *(
            getattr(torch.nn.init, name)
            for name in (
                "normal_",
                "uniform_",
                "trunc_normal_",
                "constant_",
                "ones_",
                "zeros_",
                "eye_",
                "dirac_",
                "xavier_uniform_",
                "xavier_normal_",
                "kaiming_uniform_",
                "kaiming_normal_",
                "orthogonal_",
                "sparse_",
            )
        ),
    ]
)


class _TooManyCalls(Exception):
    pass


class _OnMeta(TorchFunctionMode):
    """Within it (and ``torch.device("meta")``), a constructor skips the initialisation of its weights, which
    has nothing to fill on meta tensors (and which, on meta, imports torch's compiler), and stops after
    ``budget`` torch calls."""

    def __init__(self, budget):
        super().__init__()
        self.budget = budget

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyCalls
        kwargs = kwargs or {}
        if func in _FILLS:  # the filled tensor: the first argument, or torch.nn.init's keyword "tensor"
            target = args[0] if args else kwargs.get("tensor", kwargs.get("self"))
            if getattr(target, "is_meta", False):
                return target
        return func(*args, **kwargs)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (bool, int, float, str))


def expected_state(cls, kwargs, n_saved, what):
    """``{key: (shape, dtype)}``: the state dict of ``cls(**kwargs)``, built on the meta device.

    ``kwargs`` must name arguments of ``cls`` and hold plain values (numbers, strings, None, lists of them) or
    tensors; ``n_saved`` (the number of saved tensors) bounds the work of the constructor. ``what`` names the
    module in messages. Raises :class:`Problem`.
    """
    params = inspect.signature(cls).parameters
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params.values()):
        raise Problem(f"{cls.__name__} takes arbitrary arguments, so its saved settings cannot be checked")
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        raise Problem(f"{what} takes no argument(s) {unknown}; {cls.__name__} takes {sorted(params)}")
    odd = sorted(key for key, value in kwargs.items() if not (_plain(value) or isinstance(value, torch.Tensor)))
    if odd:
        raise Problem(f"the saved settings of {what} hold objects for {odd}; they hold numbers, strings and tensors")
    meta = {
        k: torch.empty(v.shape, dtype=v.dtype, device="meta") if isinstance(v, torch.Tensor) else v
        for k, v in kwargs.items()
    }
    try:
        # the lock: a training in another thread that draws from torch's global generator must not see it
        # saved and restored under it
        with (
            GLOBAL_RNG_LOCK,
            torch.random.fork_rng(devices=[]),
            torch.device("meta"),
            _OnMeta(_CALLS_PER_TENSOR * (n_saved + 8)),
        ):
            module = cls(**meta)
            state = module.state_dict()
    except _TooManyCalls:
        raise Problem(
            f"the saved settings of {what} build a module far larger than its {n_saved} saved tensor(s)"
        ) from None
    except Exception as exc:  # noqa: BLE001 (a constructor refuses bad settings with many types)
        raise Problem(f"the saved settings of {what} do not build one ({type(exc).__name__}: {exc})") from None
    return {key: (tuple(tensor.shape), tensor.dtype) for key, tensor in state.items()}


def check_finite(tensors):
    """Refuse a dict of tensors with a NaN or an infinity in a floating-point tensor."""
    for key, tensor in tensors.items():
        if (tensor.is_floating_point() or tensor.is_complex()) and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise Problem(
                f"the tensor {key!r} holds {bad} NaN or infinite value(s) among {tensor.numel()}; saved weights "
                "are finite (a net with such weights predicts NaN)"
            )


def check_tensors(saved, expected, what):
    """Refuse saved tensors (a dict) that differ from ``expected`` (:func:`expected_state`) in keys, shapes or
    dtypes, or that hold NaN or infinite values."""
    if not (isinstance(saved, dict) and all(isinstance(t, torch.Tensor) for t in saved.values())):
        raise Problem(f"the weights saved for {what} are not a dict of tensors")
    missing, unexpected = sorted(set(expected) - set(saved)), sorted(set(saved) - set(expected))
    if missing or unexpected:
        raise Problem(
            f"the saved weights do not match {what}: it has {len(expected)} tensor(s), the file "
            f"{len(saved)}; missing {missing[:5]}, unexpected {unexpected[:5]}"
        )
    for key, (shape, dtype) in expected.items():  # in the module's order: the first difference is named
        tensor = saved[key]
        if tuple(tensor.shape) != shape or tensor.dtype != dtype:
            raise Problem(
                f"the saved weight {key!r} has shape {list(tensor.shape)} and dtype {tensor.dtype}, but {what} "
                f"has shape {list(shape)} and dtype {dtype} there"
            )
    check_finite(saved)
