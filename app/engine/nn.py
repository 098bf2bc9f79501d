"""Modules: Linear, activations and MLP, with named parameters in a stable order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from app.engine import ops
from app.engine.tensor import Tensor

__all__ = [
    "ACTIVATIONS",
    "Identity",
    "LeakyReLU",
    "Linear",
    "MLP",
    "Module",
    "ReLU",
    "Sigmoid",
    "Tanh",
]


class Module:
    """Base class: parameters are the Tensor attributes that require grad, found (with those
    of sub-modules, and of lists of modules as `name.i`) in attribute assignment order."""

    def forward(self, x: Any) -> Tensor:
        raise NotImplementedError

    def __call__(self, x: Any) -> Tensor:
        return self.forward(x)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        for name, value in vars(self).items():
            if isinstance(value, Tensor):
                if value.requires_grad:
                    yield prefix + name, value
            elif isinstance(value, Module):
                yield from value.named_parameters(f"{prefix}{name}.")
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield from item.named_parameters(f"{prefix}{name}.{i}.")

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to None."""
        for p in self.parameters():
            p.grad = None


class Linear(Module):
    """y = x @ weight + bias, weight of shape (in_features, out_features).

    That is the transpose of torch.nn.Linear's (out, in) layout, chosen so the forward is one
    matmul with no transpose. init="xavier": Glorot uniform, U(-a, a) with
    a = sqrt(6 / (in + out)), so std = sqrt(2 / (in + out)); init="he": Kaiming normal for
    ReLU, N(0, 2 / in). The bias starts at zero. Pass rng for reproducible weights.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
        dtype: Any = np.float64,
    ) -> None:
        rng = np.random.default_rng() if rng is None else rng
        shape = (in_features, out_features)
        if init == "xavier":
            a = np.sqrt(6.0 / (in_features + out_features))
            w = rng.uniform(-a, a, size=shape)
        elif init == "he":
            w = rng.standard_normal(shape) * np.sqrt(2.0 / in_features)
        else:
            raise ValueError(f"init must be 'xavier' or 'he', got {init!r}")
        self.in_features, self.out_features = in_features, out_features
        self.weight = Tensor(w, requires_grad=True, dtype=dtype)
        self.bias = (
            Tensor(np.zeros(out_features), requires_grad=True, dtype=dtype) if bias else None
        )

    def forward(self, x: Any) -> Tensor:
        return ops.linear(x, self.weight, self.bias)

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"


class Tanh(Module):
    def forward(self, x: Any) -> Tensor:
        return ops.tanh(x)


class ReLU(Module):
    def forward(self, x: Any) -> Tensor:
        return ops.relu(x)


class Sigmoid(Module):
    def forward(self, x: Any) -> Tensor:
        return ops.sigmoid(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return ops.leaky_relu(x, self.negative_slope)


class Identity(Module):
    def forward(self, x: Any) -> Tensor:
        return ops._lift(x)


# Stateless module instances: callable on tensors (ACTIVATIONS["tanh"](x)) and usable as layers.
ACTIVATIONS: dict[str, Module] = {
    "tanh": Tanh(),
    "relu": ReLU(),
    "sigmoid": Sigmoid(),
    "leaky_relu": LeakyReLU(),
    "identity": Identity(),
}


_FUSABLE: dict[type, str] = {Tanh: "tanh", ReLU: "relu", Sigmoid: "sigmoid"}


class MLP(Module):
    """Fully connected network: sizes=[2, 16, 16, 1] makes Linear(2,16), act, Linear(16,16),
    act, Linear(16,1) [, out_activation].

    `layers` alternates Linear and activation modules like torch.nn.Sequential, so parameter
    names are layers.0.weight, layers.0.bias, layers.2.weight, ... The same seed (or an rng in
    the same state) gives identical weights. init defaults to "he" for relu-like activations
    and "xavier" otherwise.
    """

    def __init__(
        self,
        sizes: Sequence[int] = (2, 16, 16, 1),
        activation: str = "tanh",
        out_activation: str | None = None,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        init: str | None = None,
        dtype: Any = np.float64,
    ) -> None:
        if len(sizes) < 2:
            raise ValueError("sizes needs at least an input and an output size")
        for name in (activation, out_activation):
            if name is not None and name not in ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; choose from {list(ACTIVATIONS)}")
        rng = np.random.default_rng(seed) if rng is None else rng
        init = init or ("he" if activation in ("relu", "leaky_relu") else "xavier")
        self.sizes = list(sizes)
        self.layers: list[Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            self.layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
            last = i == len(sizes) - 2
            act = out_activation if last else activation
            if act is not None:
                self.layers.append(ACTIVATIONS[act])

    def forward(self, x: Any) -> Tensor:
        # A Linear followed by tanh, relu or sigmoid runs as one fused dense node (the same
        # numbers, half the graph bookkeeping); anything else runs layer by layer.
        layers, i = self.layers, 0
        while i < len(layers):
            layer = layers[i]
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            act = _FUSABLE.get(type(nxt)) if type(layer) is Linear else None
            if act is not None:
                x = ops.linear(x, layer.weight, layer.bias, act)
                i += 2
            else:
                x = layer.forward(x)
                i += 1
        return x
