"""Weight initialisation: He, Xavier and normalised Xavier, in a normal and a uniform form (course notes 1.3.5.2).

Conventions used by every function in this module:

- a layer has M = ``fan_in`` inputs and N = ``fan_out`` units. Its weights
  are a matrix of shape ``(fan_out, fan_in)``, ONE ROW PER UNIT, and the
  layer computes ``a = W z`` (torch's ``nn.Linear`` layout: torch's
  ``nn.init`` reads fan_in as the weight's second dimension).
- each scheme fixes the VARIANCE of a weight, and both forms have it: the
  normal form draws ``N(0, s^2)``; the uniform form draws ``U[-r, r]`` with
  ``r = sqrt(3) s``, because ``U[-r, r]`` has variance ``r^2 / 3``. (The
  notes say "either U[-eps, eps] or N(0, eps^2)"; read eps as the bound of
  the uniform form and eps / sqrt(3) as the normal's standard deviation,
  except for He, whose eps = sqrt(2 / M) is the normal's standard deviation.)
- the generator is passed in: ``rng`` is a ``numpy.random.Generator`` or an
  int seed, and ``rng = np.random.default_rng(rng)`` gives the Generator in
  both cases (a Generator is given back as it is, unchanged). Draw every
  weight with ONE call, in the weight's own shape, and nothing else from
  the generator: ``rng.normal(0.0, s, size=(fan_out, fan_in))`` or
  ``rng.uniform(-r, r, size=(fan_out, fan_in))``. Given the generator the
  answer is then exact, and the checks compare it entry by entry with
  weights drawn from a generator of the same seed. (Drawing
  ``(fan_in, fan_out)`` and transposing, or ``rng.standard_normal`` in
  float32, gives other numbers.)
- ``form`` is ``"normal"`` or ``"uniform"``.

Return a NumPy array of shape ``(fan_out, fan_in)`` (float64, or float32,
compared at float32 tolerances, relative 1e-4). Besides the exact
comparisons, some checks build a deep network from your weights, 20 layers,
each from your function with a fresh seed, pass a batch through it and
measure how the variance of the pre-activations changes from layer to layer:
He's weights keep it about constant through ReLU layers, normalised Xavier's
through tanh layers (with inputs small enough for tanh to be almost
linear). Every call takes well under a millisecond.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check initialisation``).
"""

import numpy as np


def he(fan_in, fan_out, form, rng):
    """Return He's initial weights for a ReLU layer: variance ``2 / M``, M = fan_in.

    Time budget: 2 s of CPU per call (the course default).

    Normal form ``N(0, 2 / M)``: standard deviation ``s = sqrt(2 / M)`` (the
    notes' eps). Uniform form ``U[-r, r]`` with ``r = sqrt(3) s = sqrt(6 / M)``.
    He's argument: with ``a_i = sum_j w_ij z_j`` over M inputs and
    ``z = ReLU(a)`` of the layer before, ``var[a] = M var[w] E[z^2]`` and
    ReLU keeps half of the second moment, ``E[z^2] = var[a_prev] / 2``; so
    ``var[w] = 2 / M`` keeps the variance of the pre-activations the same from
    layer to layer (the factor 2 is ReLU's gain, sqrt(2) on the standard
    deviation). Only the fan-in counts. This is torch's
    ``nn.init.kaiming_normal_(w, nonlinearity="relu")`` and
    ``kaiming_uniform_(w, nonlinearity="relu")`` (mode ``"fan_in"``, the
    default) on a weight of shape (fan_out, fan_in).

    For example ``he(3, 2, "normal", 0)`` is
    ``np.random.default_rng(0).normal(0.0, sqrt(2 / 3), size=(2, 3))``, about
    ``[[0.1027, -0.1079, 0.5229], [0.0857, -0.4374, 0.2952]]``, and
    ``he(3, 2, "uniform", 0)`` is ``rng.uniform(-sqrt(2), sqrt(2), size=(2, 3))``.

    Parameters
    ----------
    fan_in : int
        M, the number of inputs of each unit
    fan_out : int
        N, the number of units of the layer
    form : str
        "normal" or "uniform"
    rng : numpy.random.Generator or int
        the generator (or its seed): ``np.random.default_rng(rng)``

    Returns
    -------
    ndarray of shape (fan_out, fan_in)
        the weights, one row per unit
    """
    raise NotImplementedError


def xavier(fan_in, fan_out, form, rng):
    """Return the notes' Xavier initial weights: ``U[-1 / sqrt(M), 1 / sqrt(M)]``, M = fan_in, or the normal of that variance.

    Time budget: 2 s of CPU per call (the course default).

    The notes' Xavier bound is ``eps = 1 / sqrt(M)`` (meant for activations
    symmetric about 0, sigmoid and tanh): uniform form ``U[-r, r]`` with
    ``r = 1 / sqrt(M)``, so the variance is ``1 / (3 M)``; the normal form has
    that variance, standard deviation ``s = r / sqrt(3) = 1 / sqrt(3 M)``.
    Only the fan-in counts. Careful with torch's names: this is NOT torch's
    ``xavier_uniform_`` (that is the normalised Xavier below); it is the
    default initialisation of torch's ``nn.Linear``,
    ``kaiming_uniform_(w, a=sqrt(5))``, and ``kaiming_normal_(w, a=sqrt(5))``
    for the normal form.

    For example ``xavier(4, 2, "uniform", 1)`` is
    ``np.random.default_rng(1).uniform(-0.5, 0.5, size=(2, 4))`` and
    ``xavier(4, 2, "normal", 1)`` is
    ``np.random.default_rng(1).normal(0.0, 1 / sqrt(12), size=(2, 4))``.

    Parameters
    ----------
    fan_in : int
        M, the number of inputs of each unit
    fan_out : int
        N, the number of units of the layer
    form : str
        "normal" or "uniform"
    rng : numpy.random.Generator or int
        the generator (or its seed): ``np.random.default_rng(rng)``

    Returns
    -------
    ndarray of shape (fan_out, fan_in)
        the weights, one row per unit
    """
    raise NotImplementedError


def normalised_xavier(fan_in, fan_out, form, rng):
    """Return normalised Xavier (Glorot) initial weights: ``U[-sqrt(6) / sqrt(N + M), sqrt(6) / sqrt(N + M)]``, or ``N(0, 2 / (N + M))``.

    Time budget: 2 s of CPU per call (the course default).

    M = fan_in inputs, N = fan_out units. The bound is
    ``r = sqrt(6) / sqrt(N + M)``: the notes print ``6 / sqrt(N + M)``, a slip
    (its variance would be 12 / (N + M)). The variance ``r^2 / 3 = 2 / (N + M)``
    is the compromise between ``1 / M``, which keeps the forward signal's
    variance, and ``1 / N``, which keeps the backward gradient's; for a
    square layer it is ``1 / M``, and a stack of tanh layers (tanh is linear
    near 0 with slope 1) then keeps the variance of small pre-activations
    almost constant. The normal form has the same variance: standard
    deviation ``s = sqrt(2 / (N + M))``. This is torch's
    ``nn.init.xavier_uniform_(w)`` and ``xavier_normal_(w)`` (gain 1) on a
    weight of shape (fan_out, fan_in).

    For example ``normalised_xavier(2, 4, "uniform", 2)`` is
    ``np.random.default_rng(2).uniform(-1, 1, size=(4, 2))`` (sqrt(6) / sqrt(6) = 1)
    and the normal form draws ``normal(0.0, sqrt(1 / 3), size=(4, 2))``.

    Parameters
    ----------
    fan_in : int
        M, the number of inputs of each unit
    fan_out : int
        N, the number of units of the layer
    form : str
        "normal" or "uniform"
    rng : numpy.random.Generator or int
        the generator (or its seed): ``np.random.default_rng(rng)``

    Returns
    -------
    ndarray of shape (fan_out, fan_in)
        the weights, one row per unit
    """
    raise NotImplementedError
