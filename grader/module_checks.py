"""Expectations about a student's class, from the results of a script (:mod:`grader.object_scripts`).

A check of a class runs the same script with the student and with the
reference, then compares the results step by step with these helpers, which
name what differs in the words of the class: a parameter by its name, a
gradient by what it is the gradient of::

    steps = [new(sizes), load(state), call(X, grad=(0,)), backward(2, G)]
    got, want = t.student(steps), t.reference(steps)
    require_loaded(t, got[1], "SigmoidMLP")
    expect_output(t, got[2], want[2], "SigmoidMLP()(X)")
    expect_gradients(t, got[3], want[3], inputs=("X",))

Each helper records one expectation per thing it compares, so partial credit
follows what is right. Messages never print an expected value in a hidden
check (the comparison helper sees to that), and parameter names and shapes
are the ones the docstring promises, so naming them reveals nothing.
"""

from __future__ import annotations

from typing import Any, Sequence

from grader.trial import Trial


def _shape(shape: Any) -> str:
    return "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def _listing(entries: Sequence[Sequence[Any]]) -> str:
    return ", ".join(f"'{entry[0]}' {_shape(entry[1])}" for entry in entries) or "none"


def expect_parameters(t: Trial, got: Any, want: Any, owner: str) -> bool:
    """The parameters ``owner`` registers (a ``parameters`` step's result): names, shapes, dtypes, requires_grad.

    One expectation for the names and shapes, one for dtypes and
    ``requires_grad``, and one for tensors kept as plain attributes, which no
    optimiser would see.
    """
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), list):
        return t.expect(False, f"'{owner}' is not a torch.nn.Module: it has no parameters to list")
    mine = {entry[0]: entry for entry in got["parameters"]}
    theirs = {entry[0]: entry for entry in want["parameters"]}
    problems = []
    for name in theirs:
        if name not in mine:
            problems.append(f"'{owner}' has no parameter '{name}'; it has: {_listing(got['parameters'])}")
        elif tuple(mine[name][1]) != tuple(theirs[name][1]):
            problems.append(
                f"'{owner}'s parameter '{name}' has shape {_shape(mine[name][1])}; it should be {_shape(theirs[name][1])}"
            )
    extra = [name for name in mine if name not in theirs]
    if extra:
        problems.append(f"'{owner}' registers parameters the task does not ask for: {', '.join(repr(n) for n in extra)}")
    ok = t.expect(not problems, "\n".join(problems))
    kinds = []
    for name, entry in mine.items():
        if name in theirs and entry[2] != theirs[name][2]:
            kinds.append(f"'{name}' is {entry[2]}, not {theirs[name][2]} (torch's default)")
        if name in theirs and not entry[3]:
            kinds.append(f"'{name}' does not require grad, so no optimiser would train it")
    ok = t.expect(not kinds, f"'{owner}'s parameters are not as asked: " + "; ".join(kinds)) and ok
    loose = list(got.get("tensor_attributes") or [])
    return t.expect(
        not loose,
        f"'{owner}' keeps tensors as plain attributes ({', '.join(loose)}): no optimiser and no state_dict sees them; "
        "make each an nn.Parameter (or an nn.Linear), or register_buffer what is not trained",
    ) and ok


def require_loaded(t: Trial, got: Any, owner: str) -> None:
    """A ``load`` step put every value in place; stop the check if it did not (nothing after it would mean anything)."""
    problems = []
    if not isinstance(got, dict):
        t.fail(f"the parameters could not be loaded into '{owner}'")
    if got.get("missing"):
        problems.append(f"has no parameter named {', '.join(repr(name) for name in got['missing'])}")
    if got.get("misshapen"):
        problems.extend(
            f"has '{name}' of shape {_shape(shape)}, where the docstring asks for {_shape(given)}"
            for name, shape, given in got["misshapen"]
        )
    if got.get("unexpected"):
        problems.append(f"registers {', '.join(repr(name) for name in got['unexpected'])}, which the docstring does not name")
    t.require(
        not problems,
        f"the check loads the parameters the docstring names into '{owner}', but '{owner}' "
        + "; ".join(problems)
        + ": keep the names and shapes of the docstring",
    )


def expect_output(t: Trial, got: Any, want: Any, name: str, *, attached: bool | None = None) -> bool:
    """The value of a ``call`` step; with ``attached`` given, also whether it still requires grad."""
    ok = t.expect_close(got["value"], want["value"], name=name)
    if attached is not None:
        if attached:
            message = f"{name} is detached from the graph: no gradient can flow back through it"
        else:
            message = f"{name} still requires grad: return it detached (.detach(), or compute it under torch.no_grad())"
        ok = t.expect(bool(got.get("attached")) == attached, message) and ok
    return ok


def expect_gradients(t: Trial, got: Any, want: Any, *, inputs: Sequence[str] = ()) -> bool:
    """Each gradient of a ``backward`` step: of the inputs (named in ``inputs``, in order) and of every parameter."""
    ok = True
    for index, name in enumerate(inputs):
        ok = _expect_gradient(t, got["inputs"][index], want["inputs"][index], name) and ok
    for name, expected in want["parameters"].items():
        mine = got["parameters"].get(name, "missing") if isinstance(got.get("parameters"), dict) else "missing"
        if isinstance(mine, str):
            ok = t.expect(False, f"no gradient reaches the parameter '{name}': the module does not register it") and ok
            continue
        ok = _expect_gradient(t, mine, expected, f"'{name}'") and ok
    return ok


def _expect_gradient(t: Trial, got: Any, expected: Any, name: str) -> bool:
    if got is None and expected is not None:
        return t.expect(
            False,
            f"no gradient reaches {name}: the result does not depend on it through autograd "
            "(a detached copy, a value computed outside torch, or a backward that returns None in its place)",
        )
    return t.expect_close(got, expected, name=f"the gradient of {name}")
