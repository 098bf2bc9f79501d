"""Optimizers with torch.optim's names, defaults and update rules, in NumPy.

Each optimizer follows the algorithm box of the torch 2.x documentation and, operation by
operation, the single-tensor code path of torch 2.13 (`torch/optim/adam.py:_single_tensor_adam`
and friends), so a trajectory agrees with PyTorch's to about 1e-12 relative over hundreds of
steps (tests/engine/test_optim.py replays reference trajectories recorded with torch).

The one systematic difference: torch's CPU kernels for `add(alpha=)`, `addcmul` and `lerp` use a
fused multiply-add (one rounding), NumPy has none (two roundings), so single steps can differ in
the last bit.

Parameters are any objects with `.data` (a float ndarray, updated in place) and `.grad` (an
ndarray of the same shape, or None to skip that parameter for the step, as torch does).

Every hyperparameter may be a Python float or an ndarray broadcastable against the parameter:
an lr of shape (P, 1) on a parameter of shape (P, 2) steps P independent particles, each with
its own learning rate, and every row ends bitwise equal to stepping that particle alone. The
scalar coefficients torch computes in Python floats (bias corrections, NAdam's mu) are computed
with Python's `pow` for arrays too, since NumPy's vectorised `power` may differ in the last bit.
"""

from app.engine.optim.adam_family import Adam, AdamW, NAdam
from app.engine.optim.base import Optimizer, _lerp_
from app.engine.optim.registry import (
    OPTIMIZERS,
    HyperParam,
    OptimizerSpec,
    make_optimizer,
    validate_hyperparameters,
)
from app.engine.optim.sgd_family import SGD, Adadelta, Adagrad, RMSprop

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "HyperParam",
    "NAdam",
    "Optimizer",
    "OptimizerSpec",
    "RMSprop",
    "_lerp_",
    "make_optimizer",
    "validate_hyperparameters",
]
