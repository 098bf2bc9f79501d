"""Pydantic models of the network lab: the network spec (in run requests) and landscape requests."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.problems.net_datasets import DATASET_IDS
from app.problems.network_parts import ACTIVATIONS, FEATURES, LOSSES

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
Number = Annotated[float, Field(strict=True)]

# Hard caps on what pydantic will parse; the limits proper are Settings.max_network_landscape_grid
# and Settings.max_trajectory_points, checked in app/web/network_api.py.
MAX_LANDSCAPE_N = 1000
MAX_TRAJECTORY = 5000
# Longest CSV text in a network spec (the upload limit proper is Settings.max_upload_bytes).
MAX_CSV_CHARS = 2_000_000
MAX_PARAMETERS = 2_000  # far above 6 x 16 with 7 features (1,500): a guard for `center` lists

DatasetId = Literal[DATASET_IDS]  # type: ignore[valid-type]
FeatureId = Literal[tuple(FEATURES)]  # type: ignore[valid-type]
ActivationId = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
LossId = Literal[LOSSES]  # type: ignore[valid-type]


class NetworkCsv(BaseModel):
    """The user's CSV text, its two input columns and its target column."""

    model_config = _STRICT
    text: str = Field(max_length=MAX_CSV_CHARS)
    x: list[Annotated[str, Field(max_length=200)]] = Field(min_length=2, max_length=2)
    y: str = Field(max_length=200)


class NetworkSpec(BaseModel):
    """Data, features, architecture, loss and regularisation of a network run."""

    model_config = _STRICT
    dataset: DatasetId = "circle"
    n: int = Field(500, ge=10, strict=True)  # at most Settings.max_dataset_rows (builder)
    noise: Number = Field(0.1, ge=0, le=0.5)
    test_fraction: Number = Field(0.3, ge=0.1, le=0.9)
    seed: int = Field(1, ge=0, le=2**32 - 1, strict=True)
    csv: NetworkCsv | None = None
    features: list[FeatureId] = Field(["x1", "x2"], min_length=1, max_length=len(FEATURES))
    # Count and widths are checked against Settings in the builder, naming the field.
    hidden: list[Annotated[int, Field(strict=True)]] = Field([8, 8], max_length=64)
    activation: ActivationId = "tanh"
    loss: LossId | None = None
    l1: Number = Field(0.0, ge=0, le=1)
    l2: Number = Field(0.0, ge=0, le=1)
    heatmap_every: int = Field(10, ge=1, le=1000, strict=True)


class LandscapeRequest(BaseModel):
    """L(center + a d1 + b d2) on an n x n grid (or a band of its rows), with the path on it."""

    model_config = _STRICT
    network: NetworkSpec
    center: list[Number] = Field(min_length=1, max_length=MAX_PARAMETERS)
    trajectory: list[Annotated[list[Number], Field(max_length=MAX_PARAMETERS)]] | None = Field(
        None, max_length=MAX_TRAJECTORY
    )
    directions: Literal["random", "pca"] = "random"
    n: int = Field(51, ge=3, le=MAX_LANDSCAPE_N, strict=True)
    # Half-width in direction units; null: 1 for random directions, the path's extent for PCA.
    span: Number | None = Field(1.0, gt=0, le=1000)
    rows: tuple[int, int] | None = None
    direction_seed: int = Field(0, ge=0, le=2**32 - 1, strict=True)
