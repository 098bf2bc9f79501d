"""Read-only views of a recorded graph: each node's parents, its op's name, topological order."""

from __future__ import annotations

from app.engine.tensor import Tensor

__all__ = ["parents", "op_name", "topological_order", "backward_order"]


def parents(t: Tensor) -> tuple[Tensor, ...]:
    """The tensors t was computed from, in the op's argument order (empty for a leaf).

    Internal Python-number constants (an operand like the 2 in x * 2) are left out: they are
    not Tensors a caller ever made, and no gradient reaches them."""
    if t._backward is None:
        return ()
    return tuple(p for p in t._parents if hasattr(p.data, "shape"))


def _closure(fn: object) -> dict[str, object]:
    code = fn.__code__  # type: ignore[attr-defined]
    cells = fn.__closure__ or ()  # type: ignore[attr-defined]
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells, strict=True)}


def _factory_name(fn: object) -> str:
    """The public op a shared backward closure belongs to (elementwise ops and fused losses
    share one closure factory each, so the closure's own name does not tell them apart)."""
    head = fn.__qualname__.split(".<locals>")[0]  # type: ignore[attr-defined]
    if head == "_elementwise":
        from app.engine.ops import pointwise

        rule = _closure(fn)["rule"]
        for name in dir(pointwise):
            op = getattr(pointwise, name)
            has_rule = callable(op) and getattr(op, "__closure__", None)
            if has_rule and _closure(op).get("rule") is rule:
                return name
    if head == "_reduced":
        first = _closure(fn)["rules"][0]  # type: ignore[index]
        return first.__qualname__.split(".<locals>")[0]
    return head


def op_name(t: Tensor) -> str | None:
    """The engine op that produced t ("mul", "add", "sigmoid", "mse_loss", ...); None for a leaf."""
    if t._backward is None:
        return None
    return _factory_name(t._backward)


def topological_order(root: Tensor) -> list[Tensor]:
    """Every tensor root was computed from (leaves included, gradient or not) and root itself,
    each after all of its parents: the forward order. Reversed, it is the backward order."""
    order: list[Tensor] = []
    seen = {root}
    stack = [(root, iter(parents(root)))]
    while stack:
        node, rest = stack[-1]
        for p in rest:
            if p not in seen:
                seen.add(p)
                stack.append((p, iter(parents(p))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def backward_order(root: Tensor) -> list[Tensor]:
    """The tensors that take part in root.backward(), in the order backward() visits them
    (root first, each node before every node it was computed from)."""
    return root._topo_order() if root.requires_grad else []
