"""Which examples each gradient step sees: batch (all), stochastic (one) or mini-batch (k)."""

from __future__ import annotations

import numpy as np

VARIANTS = ("batch", "stochastic", "minibatch")


class BatchSampler:
    """Yields each iteration's example indices, reshuffled every epoch from a seed.

    An epoch is one pass over a fresh permutation, so it visits every example exactly once;
    its last mini-batch is smaller when k does not divide N (as torch's DataLoader with
    drop_last=False). Batch descent takes all N examples, in order, every iteration.
    """

    def __init__(
        self, n: int, variant: str = "batch", batch_size: int | None = None, seed: int = 0
    ):
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
        if n < 1:
            raise ValueError("the dataset is empty")
        if variant == "batch":
            size = n
        elif variant == "stochastic":
            size = 1
        else:
            if batch_size is None:
                raise ValueError(f"a mini-batch needs its batch_size, from 1 to {n}")
            if not 1 <= batch_size <= n:
                raise ValueError(f"mini-batch size must be between 1 and {n}, got {batch_size}")
            size = int(batch_size)
        self.n, self.variant, self.batch_size = n, variant, size
        self._rng = np.random.default_rng(seed)
        self._perm = np.arange(n)
        self._pos = n  # forces a shuffle before the first mini-batch
        self.epoch = 0
        self.iteration = 0

    def next(self) -> np.ndarray:
        self.iteration += 1
        if self.batch_size >= self.n:
            self.epoch += 1
            return self._perm
        if self._pos >= self.n:
            self._perm = self._rng.permutation(self.n)
            self._pos = 0
            self.epoch += 1
        idx = self._perm[self._pos : self._pos + self.batch_size]
        self._pos += self.batch_size
        return idx
