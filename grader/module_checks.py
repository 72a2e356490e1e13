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

Each helper records one expectation per value it compares (one for all of a
class's parameters), so partial credit follows what is right and nothing is
earned for a property that holds vacuously. Messages never print an expected value in a hidden
check (the comparison helper sees to that), and parameter names and shapes
are the ones the docstring promises, so naming them reveals nothing.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from grader.compare import TOLERANCES, compare
from grader.object_scripts import call, load, parameters
from grader.trial import Trial


def array_tolerances(got: Any, expected: Any) -> dict[str, float]:
    """Tolerances for an array a network computed, scaled to the array: float32 answers only.

    An entry of an output or a gradient is a sum of many products, and in
    float32 its rounding error grows with the size of those terms, not with
    the entry itself: an entry that cancels to nearly 0 can be off by about
    1e-4 of the array's largest entries. So a float32 answer gets float32's
    relative tolerance, and an absolute one of that much of its largest
    expected entry. float64 answers keep the comparison's own tolerances.
    """
    try:
        have = np.asarray(got) if isinstance(got, (np.ndarray, list, tuple)) else None
        want = np.asarray(expected, dtype=float) if isinstance(expected, (np.ndarray, list, tuple)) else None
    except (TypeError, ValueError):  # a ragged or non-numeric answer: the comparison says what is wrong with it
        return {}
    if have is None or want is None or have.dtype != np.float32 or not want.size or not np.isfinite(want).all():
        return {}
    rtol, atol = TOLERANCES["float32"]
    return {"rtol": rtol, "atol": max(atol, rtol * float(np.abs(want).max()))}


def _shape(shape: Any) -> str:
    return "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def _listing(entries: Sequence[Sequence[Any]]) -> str:
    return ", ".join(f"'{entry[0]}' {_shape(entry[1])}" for entry in entries) or "none"


def parameter_problems(got: Any, want: Any, owner: str) -> list[str]:
    """What is wrong with the parameters ``owner`` registers (a ``parameters`` step's result), in words.

    Names and shapes, dtypes and ``requires_grad``, and tensors kept as plain
    attributes, which no optimiser would see.
    """
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), list):
        return [f"'{owner}' is not a torch.nn.Module: it has no parameters to list"]
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
        elif mine[name][2] != theirs[name][2]:
            problems.append(f"'{owner}'s parameter '{name}' is {mine[name][2]}, not {theirs[name][2]} (torch's default)")
        elif not mine[name][3]:
            problems.append(f"'{owner}'s parameter '{name}' does not require grad, so no optimiser would train it")
    extra = [name for name in mine if name not in theirs]
    if extra:
        problems.append(f"'{owner}' registers parameters the task does not ask for: {', '.join(repr(n) for n in extra)}")
    loose = list(got.get("tensor_attributes") or [])
    if loose:
        problems.append(
            f"'{owner}' keeps tensors as plain attributes ({', '.join(loose)}): no optimiser and no state_dict sees "
            "them; make each an nn.Parameter (or an nn.Linear), or register_buffer what is not trained"
        )
    return problems


def expect_parameters(t: Trial, got: Any, want: Any, owner: str) -> bool:
    """The parameters ``owner`` registers, as one expectation (see :func:`parameter_problems`)."""
    problems = parameter_problems(got, want, owner)
    return t.expect(not problems, "\n".join(problems))


def expect_parameters_in_use(t: Trial, construct: dict[str, Any], values: dict[str, Any], inputs: Sequence[Any], owner: str) -> bool:
    """The parameters ``owner`` registers, and that its output is right once they are loaded: one expectation.

    Registering the promised parameters earns its points only in a module
    that computes with them, so an answer that echoes its input or returns a
    constant earns nothing here even with its parameters declared.
    """
    steps = [construct, parameters(0), load(values), call(*inputs)]
    got, want = t.student(steps), t.reference(steps)
    problems = parameter_problems(got[1], want[1], owner)
    if not problems and len(got) == len(steps):
        result = compare(
            got[3]["value"], want[3]["value"], name=f"{owner}'s output", reveal=not t.hidden,
            **array_tolerances(got[3]["value"], want[3]["value"]),
        )
        if not result.ok:
            problems.append(f"'{owner}' registers its parameters as asked, but does not compute its output with them: "
                            f"{result.message}")
    elif not problems:
        problems.append(f"the parameters the docstring names could not be loaded into '{owner}'")
    return t.expect(not problems, "\n".join(problems))


def require_loaded(t: Trial, got: Any, owner: str) -> None:
    """A ``load`` step put every value in place; stop the check if it did not (nothing after it would mean anything).

    A load that works earns nothing by itself: it is what the check's real expectations need.
    """
    problems = []
    if not isinstance(got, dict):
        t.fail(f"the parameters could not be loaded into '{owner}'")
    # As torch's load_state_dict names them: "unexpected" are names given that the module does not
    # register, "missing" are parameters the module registers that were not given.
    if got.get("unexpected"):
        problems.append(f"has no parameter named {', '.join(repr(name) for name in got['unexpected'])}")
    if got.get("misshapen"):
        problems.extend(
            f"has '{name}' of shape {_shape(shape)}, where the docstring asks for {_shape(given)}"
            for name, shape, given in got["misshapen"]
        )
    if got.get("missing"):
        problems.append(f"registers {', '.join(repr(name) for name in got['missing'])}, which the docstring does not name")
    if problems:
        t.fail(
            f"the check loads the parameters the docstring names into '{owner}', but '{owner}' "
            + "; ".join(problems)
            + ": keep the names and shapes of the docstring"
        )


def expect_output(t: Trial, got: Any, want: Any, name: str, *, attached: bool | None = None) -> bool:
    """The value of a ``call`` step; with ``attached`` given and the value right, also whether it still requires grad.

    Being attached (or detached) is only worth something on a right value: a
    constant tensor that requires grad earns nothing.
    """
    ok = t.expect_close(got["value"], want["value"], name=name, **array_tolerances(got["value"], want["value"]))
    if attached is not None and ok:
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
            ok = t.expect(False, f"no gradient reaches the parameter {name}: the module does not register it") and ok
            continue
        ok = _expect_gradient(t, mine, expected, name) and ok
    return ok


def _expect_gradient(t: Trial, got: Any, expected: Any, name: str) -> bool:
    if got is None and expected is not None:
        return t.expect(
            False,
            f"no gradient reaches {name}: the result does not depend on it through autograd "
            "(a detached copy, a value computed outside torch, or a backward that returns None in its place)",
        )
    return t.expect_close(got, expected, name=f"the gradient of {name}", **array_tolerances(got, expected))
