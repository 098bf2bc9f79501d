"""Network runs from requests: data, problem, batch samplers and the page's description of it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.config import Settings
from app.problems.batching import BatchSampler
from app.problems.datasets import CsvError
from app.problems.net_datasets import NetData, from_csv, generate
from app.problems.networks import NetworkProblem
from app.racers import Racer
from app.runs import Run
from app.web.errors import ApiError
from app.web.network_schemas import NetworkSpec

MAX_COORDINATE = 1e6
# POST /api/runs returns every step at once; past this many numbers (about 80 MB of JSON) a
# network run must be streamed over the WebSocket instead, which keeps no history.
MAX_WHOLE_RUN_NUMBERS = 4_000_000


def build_net_data(spec: NetworkSpec, settings: Settings) -> NetData:
    max_rows = settings.max_dataset_rows
    if spec.dataset == "csv":
        if spec.csv is None:
            raise ApiError("network.csv: dataset 'csv' needs the CSV text and its columns")
        try:
            return from_csv(
                spec.csv.text,
                list(spec.csv.x),
                spec.csv.y,
                spec.test_fraction,
                spec.seed,
                max_rows=max_rows,
                max_bytes=settings.max_upload_bytes,
            )
        except CsvError as exc:
            raise ApiError(f"network.csv: {exc.message}", row=exc.row) from None
    if spec.csv is not None:
        raise ApiError("network.csv: give CSV text only with dataset 'csv'")
    if spec.n > max_rows:
        raise ApiError(f"network.n: at most {max_rows} points, got {spec.n}")
    return generate(spec.dataset, spec.n, spec.noise, spec.test_fraction, spec.seed)


def build_network_problem(spec: NetworkSpec, settings: Settings) -> NetworkProblem:
    """The problem a spec describes; ApiError (422) naming the field on any refusal."""
    if len(spec.hidden) > settings.max_hidden_layers:
        raise ApiError(
            f"network.hidden: at most {settings.max_hidden_layers} hidden layers, "
            f"got {len(spec.hidden)}"
        )
    for i, width in enumerate(spec.hidden):
        if not 1 <= width <= settings.max_layer_width:
            raise ApiError(
                f"network.hidden.{i}: a layer has 1 to {settings.max_layer_width} neurons, "
                f"got {width}"
            )
    if len(set(spec.features)) != len(spec.features):
        raise ApiError("network.features: each feature at most once")
    data = build_net_data(spec, settings)
    try:
        return NetworkProblem(
            data,
            spec.features,
            spec.hidden,
            spec.activation,
            spec.loss,
            spec.l1,
            spec.l2,
            spec.heatmap_every,
        )
    except ValueError as exc:
        raise ApiError(f"network.loss: {exc}") from None


def network_info(problem: NetworkProblem, spec: NetworkSpec) -> dict[str, Any]:
    """The `problem` of a started message: everything the page draws besides the frames."""
    d = problem.data
    return {
        "kind": "network",
        "dataset": spec.dataset,
        "task": problem.task,
        "classes": problem.classes,
        "loss": problem.loss_name,
        "loss_default": problem.loss_default,
        "loss_note": problem.loss_note,
        "features": problem.features,
        "hidden": problem.hidden,
        "activation": problem.activation,
        "l1": problem.l1,
        "l2": problem.l2,
        "layers": problem.describe_layers(),
        "dim": problem.dim,
        "train": {"x": d.train.x.tolist(), "y": d.train.y.tolist()},
        "test": {"x": d.test.x.tolist(), "y": d.test.y.tolist()},
        "x_names": list(d.train.x_names),
        "class_names": list(d.class_names) if d.class_names else None,
        "domain": [list(d.domain[0]), list(d.domain[1])],
        "heatmap": {"n": problem.heatmap_n, "every": problem.heatmap_every},
    }


def network_samplers(
    n_train: int, variants: list[tuple[str | None, Any]], seed: int
) -> list[BatchSampler] | None:
    """One sampler per racer, or None when every racer takes the full batch (the fast path:
    the run reuses the full-data gradient it records anyway)."""
    plan = []
    for i, (variant, size) in enumerate(variants):
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise ApiError(f"optimizers.{i}.batch_size: a whole number from 1 to {n_train}")
        if size is not None and not 1 <= size <= n_train:
            raise ApiError(
                f"optimizers.{i}.batch_size: from 1 to {n_train} (the training points), got {size}"
            )
        variant = variant or ("minibatch" if size is not None else "batch")
        if variant == "minibatch" and size is None:
            raise ApiError(f"optimizers.{i}.batch_size: a mini-batch needs its size")
        plan.append((variant, size))
    if all(v == "batch" or s == n_train for v, s in plan):
        return None
    # Racers share the seed, so racers with one batch size see the same batches.
    rng_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    return [BatchSampler(n_train, v, s, seed=rng_seed) for v, s in plan]


def build_network_run(
    spec: NetworkSpec,
    racers: list[Racer],
    variants: list[tuple[str | None, Any]],
    losses: list[Any],
    start: list[float] | None,
    steps: int,
    settings: Settings,
    whole: bool = False,
    extras: bool = True,
) -> tuple[Run, dict[str, Any]]:
    """The run of a network request; `whole` when every step is returned at once (POST);
    without `extras` the records carry no test loss, accuracy or heatmaps (a sweep)."""
    for i, loss in enumerate(losses):
        if loss is not None:
            raise ApiError(
                f"optimizers.{i}.loss: a network has one loss for every racer (network.loss)"
            )
    problem = build_network_problem(spec, settings)
    samplers = network_samplers(problem.n, variants, spec.seed)
    if whole:
        maps = steps // problem.heatmap_every + 2
        numbers = len(racers) * ((steps + 1) * problem.dim + maps * problem.heatmap_n**2)
        if numbers > MAX_WHOLE_RUN_NUMBERS:
            raise ApiError(
                f"steps: {steps} steps of {len(racers)} racer(s) with {problem.dim} parameters "
                "are too many to return at once; stream the run over the WebSocket /ws/runs"
            )
    if start is None:
        theta = problem.initial_point(spec.seed)
    else:
        if len(start) != problem.dim:
            raise ApiError(f"start: this network has {problem.dim} parameters, got {len(start)}")
        if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in start):
            raise ApiError(f"start: finite numbers within ±{MAX_COORDINATE:g}")
        theta = np.asarray(start, dtype=np.float64)
    run = Run(problem, racers, theta, steps, samplers=samplers, extras=extras)
    return run, {"problem": network_info(problem, spec)}
