"""Pure-NumPy reverse-mode autodiff: Tensor, no_grad, functional ops, losses, nn, optimizers."""

from app.engine.tensor import Tensor, enable_grad, is_grad_enabled, no_grad

__all__ = ["Tensor", "no_grad", "enable_grad", "is_grad_enabled"]
