"""Turns validated requests into problems and runs; the one place limits from Settings apply."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.config import Settings
from app.problems.expression import ExpressionError, parse_formula
from app.problems.surfaces import SURFACES, SurfaceProblem
from app.racers import make_racers
from app.runs import Run
from app.web.data_builders import build_data_problem, data_problem_info, make_samplers
from app.web.errors import ApiError
from app.web.network_builders import build_network_run
from app.web.schemas import RunRequest, StartMessage, SurfaceSpec

# Custom formulas have no natural domain; this one shows the classic bowls and saddles well.
DEFAULT_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
DEFAULT_START = (-2.0, 2.0)
MAX_COORDINATE = 1e6


@dataclass
class ResolvedSurface:
    """A catalog surface or a parsed formula, with what the page needs to draw it."""

    fn: Any
    info: dict[str, Any]
    domain: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]
    log_scale: bool | None


def surface_info(s: Any) -> dict[str, Any]:
    """The public description of a catalog surface (GET /api/functions)."""
    return {
        "id": s.id,
        "name": s.name,
        "formula": s.formula,
        "expression": s.expression,
        "domain": [list(s.domain[0]), list(s.domain[1])],
        "minima": [list(m) for m in s.minima],
        "min_value": s.min_value,
        "start": list(s.start),
        "log_scale": s.log_scale,
        "note": getattr(s, "note", None) or None,
        # The page shows the catalog's note.<id> in its language, the English note otherwise.
        "note_key": f"note.{s.id}" if getattr(s, "note", None) else None,
    }


def resolve_surface(spec: SurfaceSpec, settings: Settings) -> ResolvedSurface:
    if spec.function is not None:
        s = SURFACES.get(spec.function.lower())
        if s is None:
            known = ", ".join(SURFACES)
            raise ApiError(f"unknown function '{spec.function}': use one of {known}")
        return ResolvedSurface(s.fn, surface_info(s), s.domain, s.start, s.log_scale)
    text = spec.expression or ""
    try:
        expr = parse_formula(
            text,
            max_chars=settings.max_expression_chars,
            max_nodes=settings.max_expression_nodes,
            max_depth=settings.max_expression_depth,
        )
    except ExpressionError as exc:
        raise ApiError(str(exc.message), column=exc.column) from None
    info = {
        "id": None,
        "name": "f(x, y)",
        "formula": expr.text,
        "expression": expr.text,
        "domain": [list(DEFAULT_DOMAIN[0]), list(DEFAULT_DOMAIN[1])],
        "minima": [],
        "min_value": None,
        "start": list(DEFAULT_START),
        "log_scale": None,
        "note": None,
    }
    return ResolvedSurface(expr.fn, info, DEFAULT_DOMAIN, DEFAULT_START, None)


def check_point(values: Any, what: str) -> None:
    for v in values:
        if not math.isfinite(v) or abs(v) > MAX_COORDINATE:
            raise ApiError(f"{what} must be finite numbers within ±{MAX_COORDINATE:g}")


def build_run(req: RunRequest, settings: Settings) -> tuple[Run, dict[str, Any]]:
    """Validate a run request against the limits and build the Run; ApiError on refusal.

    Returns the run and the public description of its problem, keyed "surface" (a catalog
    entry or formula) or "problem" (a data problem's model, loss and parameter names).
    """
    if req.steps > settings.max_steps:
        raise ApiError(f"steps must be at most {settings.max_steps}, got {req.steps}")
    if len(req.optimizers) > settings.max_optimizers:
        raise ApiError(
            f"at most {settings.max_optimizers} optimizers per run, got {len(req.optimizers)}"
        )
    try:
        racers, variants, losses = split_racers([o.as_dict() for o in req.optimizers])
    except ValueError as exc:
        raise ApiError(str(exc)) from None
    return run_for(req, racers, variants, losses, settings)


def split_racers(configs: list[dict[str, Any]]) -> tuple[list, list, list]:
    """Racers from optimizer configs, and each one's descent variant and loss (data problems);
    ValueError names the optimizer that is refused."""
    configs = [dict(c) for c in configs]
    variants = [(c.pop("variant", None), c.pop("batch_size", None)) for c in configs]
    losses = [c.pop("loss", None) for c in configs]
    return make_racers(configs), variants, losses


def run_for(
    req: Any,
    racers: list,
    variants: list,
    losses: list,
    settings: Settings,
    sweep: bool = False,
) -> tuple[Run, dict[str, Any]]:
    """The Run of these racers on the request's problem (its surface, data or network), from
    its start; shared by races and learning-rate sweeps (`sweep`: final losses are all that
    is read, so a network's records skip their heatmaps and test metrics)."""
    if getattr(req, "network", None) is not None:
        return build_network_run(
            req.network,
            racers,
            variants,
            losses,
            req.start,
            req.steps,
            settings,
            whole=not sweep and not isinstance(req, StartMessage),
            extras=not sweep,
        )
    if req.surface is not None:
        if any(v is not None or b is not None for v, b in variants) or any(losses):
            raise ApiError(
                "'variant', 'batch_size' and 'loss' apply to data problems, not surfaces"
            )
        surface = resolve_surface(req.surface, settings)
        start = req.start if req.start is not None else surface.start
        problem, info, samplers = SurfaceProblem(surface.fn), {"surface": surface.info}, None
    else:
        problem = build_data_problem(req.data, req.model, settings, losses)
        start = req.start if req.start is not None else [0.0] * problem.dim
        samplers = make_samplers(problem.n, variants, req.data.seed)
        info = {"problem": data_problem_info(problem, req.model)}
    if len(start) != problem.dim:
        raise ApiError(f"start must have {problem.dim} numbers, got {len(start)}")
    check_point(start, "start")
    return Run(problem, racers, start, req.steps, samplers=samplers), info
