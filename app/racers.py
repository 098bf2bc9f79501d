"""Racer: one optimizer entered in a race, validated through the optimizer registry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.engine.optim import OPTIMIZERS, validate_hyperparameters


@dataclass
class Racer:
    """One optimizer in the race, with every hyperparameter it actually uses."""

    name: str
    hyperparameters: dict[str, Any]
    label: str

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, **self.hyperparameters}


def _label(name: str, hp: dict[str, Any]) -> str:
    display = OPTIMIZERS[name].display_name
    return f"{display}, lr {hp['lr']:g}" if "lr" in hp else display


def make_racers(configs: Sequence[dict[str, Any]]) -> list[Racer]:
    """Validate each optimizer config through the registry; ValueError names the problem."""
    racers = []
    for i, cfg in enumerate(configs):
        cfg = dict(cfg)
        name = str(cfg.pop("name", "")).lower()
        if name not in OPTIMIZERS:
            known = ", ".join(OPTIMIZERS)
            raise ValueError(f"optimizer {i + 1}: unknown optimizer '{name}', use one of {known}")
        try:
            hp = validate_hyperparameters(name, **cfg)
        except ValueError as exc:
            raise ValueError(f"optimizer {i + 1} ({name}): {exc}") from None
        racers.append(Racer(name=name, hyperparameters=hp, label=_label(name, hp)))
    return racers
