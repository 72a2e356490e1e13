"""Scripts: how a check uses a student's class (an ``nn.Module``, an autograd ``Function``) through plain data.

A check never holds a student's object: the object lives in the sandboxed
child, and what crosses is plain data. So a check writes a *script*, a list
of steps, and the child runs it against the student's class (or against a
function that takes objects, such as a training step) and answers with one
plain result per step. Objects are numbered in the order the script makes
them (a handle, never the object); a step's result refers to nothing but
numbers, names and shapes. Nothing in a result is a verdict: the grader
compares the numbers with the reference's, run through the same script.

The steps (build them with the functions below; each is a dict of plain data):

- :func:`new` -- construct the target class: result ``{"object": k}``;
- :func:`network` -- construct a network of the grader's own (an MLP with the
  notes' layout, sigmoid or ReLU, with dropout or not) for a function that
  takes a model: ``{"object": k}``;
- :func:`parameters` -- what the object registers: ``{"parameters": [[name,
  shape, dtype, requires_grad], ...], "buffers": [[name, shape, dtype], ...],
  "tensor_attributes": [name, ...]}`` (tensors kept as plain attributes, which
  no optimiser sees);
- :func:`load_file` -- the same from a weights file the student handed in
  (``torch.save`` of a state_dict), opened with ``torch.load(...,
  weights_only=True)`` in the child only; a file that is missing, is not a
  state_dict or holds pickled code is said in words;
- :func:`load` -- copy values into parameters by name: ``{"missing": [...],
  "unexpected": [...], "misshapen": [[name, shape, given shape], ...]}``;
  nothing is loaded unless every name fits, and then the script ends there
  (nothing after it would mean anything);
- :func:`call` -- call a method of an object (or ``apply`` of a Function
  class): ``{"value": ..., "attached": bool}``, ``attached`` being whether the
  result still requires grad; arrays given as arguments become tensors, and
  those at the positions in ``grad`` require grad;
- :func:`backward` -- the gradients of ``sum(upstream * value)`` of an earlier
  call, by autograd: ``{"inputs": [...], "parameters": {name: ...}}``, one
  entry per position in that call's ``grad`` and per parameter of its
  object, ``None`` where the graph gives none; ``.grad`` fields are not
  touched;
- :func:`mode` -- ``train()`` or ``eval()``: ``{"training": bool}``;
- :func:`state` -- the object's parameter values by name: ``{name: array}``;
- :func:`function` -- call a function of the student's module with objects
  among its arguments (:func:`obj` marks one): ``{"value": ..., "attached":
  bool}``, ``attached`` being whether the value is a tensor that still
  requires grad.

Two runners carry a script out: :func:`run_torch_script` (the student's
code in the child, the torch references in the grader) and
:func:`run_numpy_script`, for NumPy references written to a small protocol:
a class with ``state_dict()`` and ``load_state_dict(state)`` (arrays by
name), ``forward(*inputs)``, and ``backward(upstream)`` returning the
gradients of the last forward's inputs (a tuple) and of its parameters (a
dict); a Function's NumPy reference is such a class without parameters.

This module imports nothing of the grader and torch only when a torch script
runs: the sandbox's worker loads it by path into every child.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

OBJECT_MARK = "$object"
"""the key of :func:`obj`'s marker: an argument that stands for the script's object ``k``"""


class ScriptError(Exception):
    """A step that cannot be carried out as written; the message is addressed to the student."""


# -- building steps ---------------------------------------------------------------------------


def new(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Construct the target class with these arguments."""
    return {"op": "new", "args": list(args), "kwargs": kwargs}


ACTIVATIONS = ("sigmoid", "relu")


def network(
    sizes: list[int] | tuple[int, ...], *, activation: str = "sigmoid", dropout: float = 0.0, logits: bool = False
) -> dict[str, Any]:
    """Construct the grader's network with these layer sizes (parameters ``layers.i.weight``, ``layers.i.bias``).

    Every hidden layer applies ``activation`` and then, when ``dropout`` is
    above 0, ``nn.Dropout(dropout)``; the output layer applies the activation
    too, unless ``logits`` (then it is linear, for a cross-entropy cost).
    """
    return {"op": "network", "sizes": [int(size) for size in sizes], "activation": activation,
            "dropout": float(dropout), "logits": bool(logits)}


def parameters(of: int = 0) -> dict[str, Any]:
    return {"op": "parameters", "object": of}


def load(state: dict[str, np.ndarray], of: int = 0) -> dict[str, Any]:
    return {"op": "load", "object": of, "state": dict(state)}


def load_file(name: str, of: int = 0) -> dict[str, Any]:
    """Load the weights file ``name`` that the student handed in into object ``of``."""
    return {"op": "load_file", "object": of, "file": name}


def call(*args: Any, method: str = "__call__", of: int | None = 0, grad: tuple[int, ...] = (), **kwargs: Any) -> dict[str, Any]:
    """Call ``method`` of object ``of`` (``of=None``: of the target class itself, as ``Function.apply``)."""
    return {"op": "call", "object": of, "method": method, "args": list(args), "kwargs": kwargs, "grad": list(grad)}


def backward(of_step: int, upstream: np.ndarray) -> dict[str, Any]:
    """Backpropagate ``upstream`` from the value of step ``of_step`` (a :func:`call`)."""
    return {"op": "backward", "step": of_step, "upstream": upstream}


def mode(train: bool, of: int = 0) -> dict[str, Any]:
    return {"op": "mode", "object": of, "train": bool(train)}


def state(of: int = 0) -> dict[str, Any]:
    return {"op": "state", "object": of}


def function(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call the target function (of the student's module) on these arguments; :func:`obj` marks objects."""
    return {"op": "function", "args": list(args), "kwargs": kwargs}


def obj(k: int) -> dict[str, int]:
    """An argument of :func:`function` that stands for the script's object ``k``."""
    return {OBJECT_MARK: k}


# -- running a script with torch -----------------------------------------------------------------


def _steps(steps: Any) -> list[dict[str, Any]]:
    if not isinstance(steps, (list, tuple)) or not all(isinstance(step, dict) and "op" in step for step in steps):
        raise ScriptError("a script is a list of steps")
    return list(steps)


class _Run:
    """What a script has made so far: objects, and each call's inputs and value."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.objects: list[Any] = []
        self.calls: dict[int, tuple[Any, list[Any], Any]] = {}

    def object(self, step: dict[str, Any]) -> Any:
        index = step.get("object")
        if not isinstance(index, int) or not 0 <= index < len(self.objects):
            raise ScriptError(f"the script refers to object {index!r}, which it has not made")
        return self.objects[index]


def run_torch_script(target: Any, steps: Any, *, files: dict[str, bytes] | None = None) -> list[Any]:
    """Carry ``steps`` out against ``target`` (a class, or a function that takes objects), with torch.

    ``files`` are the weights files the student handed in, by name, as bytes.
    """
    import torch

    # The same script gives the same numbers every time: torch's CPU generator starts from one seed,
    # and the caller's is left as it was (torch.manual_seed would also seed every accelerator, slowly).
    saved = torch.get_rng_state()
    torch.default_generator.manual_seed(0)
    try:
        return _run_torch_steps(target, _steps(steps), files or {})
    finally:
        torch.set_rng_state(saved)


def _run_torch_steps(target: Any, steps: list[dict[str, Any]], files: dict[str, bytes]) -> list[Any]:
    import torch

    run = _Run(target)
    results: list[Any] = []
    for position, step in enumerate(steps):
        op = step["op"]
        if op == "new":
            run.objects.append(target(*_torch_values(step["args"], run), **_torch_values(step["kwargs"], run)))
            result: Any = {"object": len(run.objects) - 1}
        elif op == "network":
            run.objects.append(_torch_network(step))
            result = {"object": len(run.objects) - 1}
        elif op == "parameters":
            result = _torch_parameters(run.object(step))
        elif op in ("load", "load_file"):
            values = step["state"] if op == "load" else _torch_state_file(files, step.get("file"))
            result = _torch_load(run.object(step), values)
            if result["missing"] or result["unexpected"] or result["misshapen"]:
                results.append(result)
                break  # nothing after it would mean anything (and random weights would make it differ run to run)
        elif op == "call":
            result = _torch_call(run, position, step)
        elif op == "backward":
            result = _torch_backward(run, step)
        elif op == "mode":
            module = _module(run.object(step))
            torch.nn.Module.train(module, bool(step["train"]))
            result = {"training": bool(module.training)}
        elif op == "state":
            result = {name: _torch_plain(value) for name, value in _named_parameters(_module(run.object(step)))}
        elif op == "function":
            with torch.enable_grad():
                value = target(*_torch_values(step["args"], run), **_torch_values(step["kwargs"], run))
            result = {"value": _torch_plain(value), "attached": isinstance(value, torch.Tensor) and bool(value.requires_grad)}
        else:
            raise ScriptError(f"a script has no step {op!r}")
        results.append(result)
    return results


def _torch_values(value: Any, run: _Run, grad: bool = False) -> Any:
    """Arrays as tensors (requiring grad where asked), object markers as the objects, the rest as it is."""
    import torch

    if isinstance(value, np.ndarray):
        tensor = torch.from_numpy(np.array(value, copy=True))
        return tensor.requires_grad_(True) if grad else tensor
    if isinstance(value, dict):
        if set(value) == {OBJECT_MARK}:
            return run.object({"object": value[OBJECT_MARK]})
        return {key: _torch_values(item, run) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_torch_values(item, run) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def _torch_plain(value: Any, depth: int = 0) -> Any:
    """A value as plain data: exact tensors as arrays (detached); anything else as it is, for the wire to judge."""
    import torch

    if depth > 30:
        return value
    if type(value) in (torch.Tensor, torch.nn.Parameter):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, (list, tuple)):
        items = [_torch_plain(item, depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _torch_plain(item, depth + 1) for key, item in value.items()}
    return value


def _dtype_name(dtype: Any) -> str:
    return str(dtype).replace("torch.", "")


def _module(value: Any) -> Any:
    import torch

    if not isinstance(value, torch.nn.Module):
        raise ScriptError(f"the object is a {type(value).__name__}, not a torch.nn.Module")
    return value


# What a module registers is read with torch.nn.Module's own methods, never with the class's
# overrides: a class that lies about its parameters cannot make them up.


def _named_parameters(module: Any) -> list[tuple[str, Any]]:
    import torch

    return list(torch.nn.Module.named_parameters(module))


def _torch_parameters(module: Any) -> dict[str, Any]:
    import torch

    module = _module(module)
    registered = [
        [name, list(value.shape), _dtype_name(value.dtype), bool(value.requires_grad)]
        for name, value in _named_parameters(module)
    ]
    named_buffers = list(torch.nn.Module.named_buffers(module))
    buffers = [[name, list(value.shape), _dtype_name(value.dtype)] for name, value in named_buffers]
    known = {id(value) for _, value in _named_parameters(module)} | {id(value) for _, value in named_buffers}
    loose = []
    for prefix, sub in torch.nn.Module.named_modules(module):
        for name, value in vars(sub).items():
            tensors = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(item, torch.Tensor) and id(item) not in known for item in tensors):
                loose.append(f"{prefix}.{name}" if prefix else name)
    return {"parameters": registered, "buffers": buffers, "tensor_attributes": sorted(loose)}


def _torch_load(module: Any, values: dict[str, Any]) -> dict[str, Any]:
    import torch

    own = dict(_named_parameters(_module(module)))
    missing = sorted(set(own) - set(values))
    unexpected = sorted(set(values) - set(own))
    misshapen = [
        [name, list(own[name].shape), list(np.shape(values[name]))]
        for name in sorted(set(own) & set(values))
        if tuple(own[name].shape) != tuple(np.shape(values[name]))
    ]
    if not (missing or unexpected or misshapen):
        with torch.no_grad():
            for name, value in values.items():
                own[name].copy_(torch.from_numpy(np.array(value, copy=True)))
    return {"missing": missing, "unexpected": unexpected, "misshapen": misshapen}


def _torch_state_file(files: dict[str, bytes], name: Any) -> dict[str, np.ndarray]:
    """The state_dict in the handed-in file ``name``, as arrays; opened with weights_only=True, so no code runs."""
    import io

    import torch

    if name not in files:
        raise NotImplementedError(
            f"'{name}' was not handed in: train the network, save its weights with "
            f"torch.save(model.state_dict(), '{name}') and put the file beside your code"
        )
    try:
        state = torch.load(io.BytesIO(files[name]), weights_only=True, map_location="cpu")
    except Exception as error:  # noqa: BLE001 - any file that is not a plain state_dict
        reason = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
        raise ScriptError(
            f"'{name}' could not be read as a state_dict with torch.load(..., weights_only=True), which opens "
            f"tensors and plain containers only ({reason}); save model.state_dict(), not the model or other objects"
        ) from None
    if not isinstance(state, dict) or not all(
        isinstance(key, str) and type(value) in (torch.Tensor, torch.nn.Parameter) for key, value in state.items()
    ):
        raise ScriptError(
            f"'{name}' holds a {type(state).__name__}, not a state_dict (a dict of parameter names to tensors): "
            f"save model.state_dict()"
        )
    return {key: value.detach().cpu().numpy() for key, value in state.items()}


def _torch_call(run: _Run, position: int, step: dict[str, Any]) -> dict[str, Any]:
    import torch

    wanted = set(step.get("grad") or ())
    inputs = [_torch_values(value, run, grad=index in wanted) for index, value in enumerate(step["args"])]
    owner = run.target if step.get("object") is None else run.object(step)
    method = step["method"]
    with torch.enable_grad():
        if method == "__call__":
            value = owner(*inputs, **_torch_values(step["kwargs"], run))
        else:
            value = getattr(owner, method)(*inputs, **_torch_values(step["kwargs"], run))
    run.calls[position] = (owner, [inputs[index] for index in sorted(wanted)], value)
    attached = isinstance(value, torch.Tensor) and bool(value.requires_grad)
    return {"value": _torch_plain(value), "attached": attached}


def _torch_backward(run: _Run, step: dict[str, Any]) -> dict[str, Any]:
    import torch

    index = step.get("step")
    if index not in run.calls:
        raise ScriptError(f"step {index!r} is not a call whose value could be backpropagated")
    owner, inputs, value = run.calls[index]
    named = _named_parameters(owner) if isinstance(owner, torch.nn.Module) else []
    named = [(name, parameter) for name, parameter in named if parameter.requires_grad]
    if not isinstance(value, torch.Tensor):
        raise ScriptError(f"the result is a {type(value).__name__}, not a tensor, so it cannot be backpropagated")
    if not value.requires_grad:
        raise ScriptError(
            "the result does not depend on the inputs or parameters through autograd "
            "(it is detached, or computed outside torch), so no gradient reaches them"
        )
    upstream = torch.from_numpy(np.array(step["upstream"], copy=True)).to(value.dtype)
    if tuple(upstream.shape) != tuple(value.shape):
        raise ScriptError(f"the result has shape {tuple(value.shape)}, but the check expects {tuple(upstream.shape)}")
    targets = inputs + [parameter for _, parameter in named]
    with torch.enable_grad():
        gradients = torch.autograd.grad(value, targets, grad_outputs=upstream, allow_unused=True) if targets else ()
    plain = [None if gradient is None else _torch_plain(gradient) for gradient in gradients]
    return {
        "inputs": plain[: len(inputs)],
        "parameters": {name: gradient for (name, _), gradient in zip(named, plain[len(inputs) :])},
    }


def _network_options(step: dict[str, Any]) -> tuple[list[int], str, float, bool]:
    sizes, activation = step.get("sizes"), step.get("activation", "sigmoid")
    dropout, logits = step.get("dropout", 0.0), bool(step.get("logits", False))
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(isinstance(size, int) and 0 < size <= 4096 for size in sizes):
        raise ScriptError(f"a network needs at least two layer sizes, each from 1 to 4096, not {sizes!r}")
    if activation not in ACTIVATIONS or not isinstance(dropout, float) or not 0.0 <= dropout < 1.0:
        raise ScriptError(f"a network's activation is one of {ACTIVATIONS} and its dropout in [0, 1)")
    return sizes, activation, dropout, logits


def _torch_network(step: dict[str, Any]) -> Any:
    """The grader's network: ``layers`` of ``nn.Linear`` (W^l of shape (n_l, n_{l-1})), an activation after each."""
    import torch

    sizes, activation, dropout, logits = _network_options(step)

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(torch.nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
            self.dropout = torch.nn.Dropout(dropout)

        def forward(self, X: Any) -> Any:
            act = torch.sigmoid if activation == "sigmoid" else torch.relu
            for index, layer in enumerate(self.layers):
                X = layer(X)
                if index < len(self.layers) - 1:
                    X = act(X)
                    if dropout:
                        X = self.dropout(X)
                elif not logits:
                    X = act(X)
            return X

    return Network()


# -- running a script against NumPy references ----------------------------------------------------


class NumpyNetwork:
    """The grader's network for NumPy references: ``weights[i]`` is ``layers.i.weight``, ``biases[i]`` ``layers.i.bias``.

    ``activation``, ``dropout`` and ``logits`` are the network step's; the
    references compute with them (:meth:`forward` is the network in eval
    mode: dropout does nothing).
    """

    def __init__(self, step: dict[str, Any]) -> None:
        sizes, self.activation, self.dropout, self.logits = _network_options(step)
        self.weights = [np.zeros((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in sizes[1:]]
        self.training = True

    def act(self, A: np.ndarray) -> np.ndarray:
        if self.activation == "relu":
            return np.maximum(A, 0.0)
        e = np.exp(-np.abs(A))
        return np.where(A >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def forward(self, X: Any) -> np.ndarray:
        Z = np.asarray(X, dtype=float)
        for index, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = Z @ W.T + b
            if index < len(self.weights) - 1 or not self.logits:
                Z = self.act(Z)
        return Z

    def state_dict(self) -> dict[str, np.ndarray]:
        state = {}
        for index, (W, b) in enumerate(zip(self.weights, self.biases)):
            state[f"layers.{index}.weight"], state[f"layers.{index}.bias"] = W, b
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        for index in range(len(self.weights)):
            self.weights[index] = np.array(state[f"layers.{index}.weight"], dtype=float)
            self.biases[index] = np.array(state[f"layers.{index}.bias"], dtype=float)


def run_numpy_script(target: Any, steps: Any, *, files: dict[str, dict[str, np.ndarray]] | None = None) -> list[Any]:
    """Carry ``steps`` out against a NumPy reference written to this module's protocol (see the docstring).

    ``files`` are the weights a NumPy reference hands in, by file name, as dicts of arrays.
    """
    files = files or {}
    run = _Run(target)
    results: list[Any] = []
    for position, step in enumerate(_steps(steps)):
        op = step["op"]
        if op in ("new", "network"):
            made = target(*_numpy_values(step["args"], run), **step["kwargs"]) if op == "new" else NumpyNetwork(step)
            run.objects.append(made)
            result: Any = {"object": len(run.objects) - 1}
        elif op == "parameters":
            made = run.object(step)
            result = {
                "parameters": [[name, list(np.shape(value)), "float32", True] for name, value in made.state_dict().items()],
                "buffers": [],
                "tensor_attributes": [],
            }
        elif op in ("load", "load_file"):
            if op == "load_file" and step.get("file") not in files:
                raise ScriptError(f"'{step.get('file')}' was not handed in")
            values = step["state"] if op == "load" else files[step["file"]]
            result = _numpy_load(run.object(step), values)
            if result["missing"] or result["unexpected"] or result["misshapen"]:
                results.append(result)
                break
        elif op == "call":
            owner = target() if step.get("object") is None else run.object(step)
            method = "forward" if step["method"] in ("__call__", "apply") else step["method"]
            value = getattr(owner, method)(*_numpy_values(step["args"], run), **step["kwargs"])
            run.calls[position] = (owner, list(step.get("grad") or ()), value)
            result = {"value": _numpy_plain(value), "attached": True}
        elif op == "backward":
            index = step.get("step")
            if index not in run.calls:
                raise ScriptError(f"step {index!r} is not a call whose value could be backpropagated")
            owner, wanted, _ = run.calls[index]
            input_gradients, parameter_gradients = owner.backward(np.array(step["upstream"], dtype=float))
            result = {
                "inputs": [_numpy_plain(input_gradients[position]) for position in sorted(wanted)],
                "parameters": {name: _numpy_plain(value) for name, value in (parameter_gradients or {}).items()},
            }
        elif op == "mode":
            made = run.object(step)
            made.training = bool(step["train"])
            result = {"training": made.training}
        elif op == "state":
            result = {name: _numpy_plain(value) for name, value in run.object(step).state_dict().items()}
        elif op == "function":
            result = {"value": _numpy_plain(target(*_numpy_values(step["args"], run), **step["kwargs"])), "attached": False}
        else:
            raise ScriptError(f"a script has no step {op!r}")
        results.append(result)
    return results


def _numpy_values(value: Any, run: _Run) -> Any:
    if isinstance(value, np.ndarray):
        return np.array(value, dtype=float) if value.dtype.kind == "f" else value.copy()
    if isinstance(value, dict):
        if set(value) == {OBJECT_MARK}:
            return run.object({"object": value[OBJECT_MARK]})
        return {key: _numpy_values(item, run) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_numpy_values(item, run) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def _numpy_plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        items = [_numpy_plain(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {key: _numpy_plain(item) for key, item in value.items()}
    return value


def _numpy_load(made: Any, values: dict[str, Any]) -> dict[str, Any]:
    own = made.state_dict()
    missing = sorted(set(own) - set(values))
    unexpected = sorted(set(values) - set(own))
    misshapen = [
        [name, list(np.shape(own[name])), list(np.shape(values[name]))]
        for name in sorted(set(own) & set(values))
        if np.shape(own[name]) != np.shape(values[name])
    ]
    if not (missing or unexpected or misshapen):
        made.load_state_dict({name: np.array(value, dtype=float) for name, value in values.items()})
    return {"missing": missing, "unexpected": unexpected, "misshapen": misshapen}


# -- checking what came back ----------------------------------------------------------------------


def malformed_results(steps: Any, results: Any) -> str:
    """Why ``results`` cannot be what the runner gives for ``steps``, or ``""`` when they can.

    The results of a student's script come from the student's process, where
    the student's code could have replaced the runner: the grader checks their
    form (one result per step, each with the fields and types its step gives;
    the script ends early only right after a load that did not fit) before a
    check reads them. Values themselves are the comparisons' business.
    """
    if not isinstance(steps, (list, tuple)) or not isinstance(results, (list, tuple)):
        return "the results are not a list"
    if len(results) > len(steps):
        return f"there are {len(results)} results for {len(steps)} steps"
    ended_by_load = False
    for index, (step, result) in enumerate(zip(steps, results)):
        if not isinstance(step, dict):
            return "the script is not a list of steps"
        problem = _malformed_result(step, result)
        if problem:
            return f"the result of step {index} ({step.get('op')}) {problem}"
        if step.get("op") == "backward":
            called = steps[step["step"]] if isinstance(step.get("step"), int) and 0 <= step["step"] < len(steps) else {}
            if len(result["inputs"]) != len(called.get("grad") or ()):
                return f"the result of step {index} (backward) gives {len(result['inputs'])} input gradients"
        if step.get("op") in ("load", "load_file") and (result["missing"] or result["unexpected"] or result["misshapen"]):
            if index != len(results) - 1:
                return f"the script went on after the load of step {index} did not fit"
            ended_by_load = True
    if len(results) < len(steps) and not ended_by_load:
        return f"there are {len(results)} results for {len(steps)} steps"
    return ""


def _strings(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def _shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(size, int) and size >= 0 for size in value)


def _malformed_result(step: dict[str, Any], result: Any) -> str:
    op = step.get("op")
    if not isinstance(result, dict):
        return f"is a {type(result).__name__}, not a dict"
    if op in ("new", "network"):
        return "" if isinstance(result.get("object"), int) else "has no object number"
    if op == "parameters":
        entries = result.get("parameters")
        if not isinstance(entries, (list, tuple)) or not all(
            isinstance(entry, (list, tuple)) and len(entry) == 4 and isinstance(entry[0], str) and _shape(entry[1])
            and isinstance(entry[2], str) and isinstance(entry[3], bool)
            for entry in entries
        ):
            return "does not list parameters as [name, shape, dtype, requires_grad]"
        return "" if _strings(result.get("tensor_attributes", [])) else "does not list attribute names"
    if op in ("load", "load_file"):
        if not (_strings(result.get("missing")) and _strings(result.get("unexpected"))):
            return "does not list missing and unexpected names"
        misshapen = result.get("misshapen")
        if not isinstance(misshapen, (list, tuple)) or not all(
            isinstance(entry, (list, tuple)) and len(entry) == 3 and isinstance(entry[0], str)
            and _shape(entry[1]) and _shape(entry[2])
            for entry in misshapen
        ):
            return "does not list misshapen parameters as [name, shape, shape]"
        return ""
    if op in ("call", "function"):
        if "value" not in result or not isinstance(result.get("attached", False), bool):
            return "has no value, or says whether it is attached with something else than True or False"
        return ""
    if op == "backward":
        inputs, parameters = result.get("inputs"), result.get("parameters")
        if not isinstance(inputs, (list, tuple)) or not isinstance(parameters, dict):
            return "does not give the gradients of the inputs (a list) and of the parameters (a dict)"
        return ""
    if op == "mode":
        return "" if isinstance(result.get("training"), bool) else "does not say whether the object is training"
    if op == "state":
        return "" if all(isinstance(key, str) for key in result) else "names parameters with something else than strings"
    return f"is for a step the grader does not know ({op!r})"
