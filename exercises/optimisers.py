"""Optimisers (course notes 1.3.5.3: momentum, AdaGrad, RMSProp, Adam) and gradient clipping (1.10.3.1;
torch.nn.utils): each optimiser as one pure step, compared with ``torch.optim`` over many steps.

Conventions used by every function in this module:

- parameters, gradients and every per-parameter state are dicts of arrays
  keyed by the parameter's name, as ``model.state_dict()`` gives them
  (``"layers.0.weight"``, ``"layers.0.bias"``, ...). Weights and biases are
  treated alike.
- a step is a PURE function ``step(params, grads, state, hyperparameters)``
  that returns ``(new_params, new_state)``: new dicts with the same keys and
  shapes, leaving its inputs unchanged. The grader feeds your own
  ``new_params`` and ``new_state`` back into your next call, for 50 steps,
  with the gradient at your new parameters, and compares where you end with
  where ``torch.optim`` ends from the same start. Each docstring says
  exactly what the state holds; the first step is given a state of zeros
  (for Adam, ``{"step": 0, "m": zeros, "v": zeros}``).
- the notes write momentum with the last STEP, ``Delta w = -eta grad + mu
  Delta w_prev``, ``w <- w + Delta w``; torch's ``SGD(momentum=...)`` keeps a
  buffer of GRADIENTS, ``v <- mu v + grad``, ``w <- w - lr v``. They are the
  same method in two bookkeepings: see ``momentum_to_torch``.
- AdaGrad, RMSProp and Adam divide by ``sqrt(...) + eps``: eps is added to
  the square root (torch's placement), never inside it. The checks use eps
  of 1e-3 or 1e-2 and small gradients, where the placement shows.
- clipping by norm uses the TOTAL norm of all the gradients together and
  torch's factor ``max_norm / (total_norm + 1e-6)``.

Inputs are dicts of NumPy float arrays, Python floats and, for Nesterov, a
bool. Return dicts of NumPy arrays (or lists) and Python numbers (float64,
or float32: a float32 answer is compared with float32 tolerances, relative
1e-4, absolute 1e-6), in tuples as each docstring says. Every step here needs
well under a millisecond.

Replace each ``raise NotImplementedError`` with your code, then run
``pytest`` in this folder (or ``nngrade check optimisers``).
"""

import numpy as np


def momentum_step(params, grads, deltas, eta, mu):
    """Return the parameters after one step of gradient descent with momentum in the notes' form, and the step taken.

    Time budget: 2 s of CPU per call (the course default).

    ``Delta w = -eta dE/dw + mu Delta w_prev``, then ``w <- w + Delta w``,
    for every parameter. The state ``deltas`` is the last step Delta w_prev
    of every parameter (zeros before the first step); return the step just
    taken as the new state. With ``mu = 0`` this is plain gradient descent.
    torch's ``SGD(lr=eta, momentum=mu)`` takes the same steps, but keeps
    ``v = -Delta w / eta`` as its state (see ``torch_momentum_step``).
    For example ``w = [1, -2]``, ``g = [0.5, -1]``, ``Delta w_prev = [0.1, 0]``,
    ``eta = 0.2``, ``mu = 0.9`` give ``Delta w = [-0.1 + 0.09, 0.2 + 0] = [-0.01, 0.2]``
    and ``w = [0.99, -1.8]``.

    Parameters
    ----------
    params : dict of str to ndarray
        the parameters w
    grads : dict of str to ndarray
        dE/dw at w, the same keys and shapes
    deltas : dict of str to ndarray
        the last steps Delta w_prev, the same keys and shapes
    eta : float
        the learning rate
    mu : float
        the momentum, 0 <= mu < 1

    Returns
    -------
    tuple (new_params, new_deltas)
        two dicts with the keys of params: w + Delta w, and Delta w
    """
    raise NotImplementedError


def torch_momentum_step(params, grads, buffers, lr, momentum, nesterov):
    """Return the parameters and momentum buffers after one step of torch's ``SGD(lr, momentum, nesterov=...)``.

    Time budget: 2 s of CPU per call (the course default).

    torch keeps a buffer of gradients (``dampening=0``, its default):
    ``v <- momentum v + g``, then ``w <- w - lr v``. With ``nesterov=True``
    the step looks ahead along the NEW buffer: ``w <- w - lr (g + momentum v)``
    (the buffer is updated the same way). The state ``buffers`` is v for every
    parameter; it is zeros before the first step (torch creates it as a copy
    of the first gradient, which is the same thing).
    For example ``w = [1, -2]``, ``g = [0.5, -1]``, ``v = [-0.5, 0]``,
    ``lr = 0.2``, ``momentum = 0.9`` give ``v = [0.05, -1]`` and
    ``w = [0.99, -1.8]`` (the notes' example of ``momentum_step``: ``v = -Delta w / eta``);
    with Nesterov, ``w = [1, -2] - 0.2 [0.545, -1.9] = [0.891, -1.62]``.

    Parameters
    ----------
    params : dict of str to ndarray
    grads : dict of str to ndarray
        the same keys and shapes
    buffers : dict of str to ndarray
        the momentum buffers v, the same keys and shapes
    lr : float
    momentum : float
    nesterov : bool

    Returns
    -------
    tuple (new_params, new_buffers)
        two dicts with the keys of params
    """
    raise NotImplementedError


def momentum_to_torch(deltas, eta, mu):
    """Return torch's SGD state and hyperparameters that continue the notes' momentum exactly: ``(buffers, lr, momentum)``.

    Time budget: 2 s of CPU per call (the course default).

    The notes' optimiser has taken the steps ``deltas`` (Delta w for every
    parameter) with learning rate ``eta`` and momentum ``mu``. Give the
    buffers v, the ``lr`` and the ``momentum`` with which torch's form,
    ``v <- momentum v + g``, ``w <- w - lr v``, takes from now on exactly the
    steps the notes' form ``Delta w <- -eta g + mu Delta w`` would take (the
    grader runs torch's form from your answer for 50 steps and compares it
    with the notes'). Compare the two updates term by term: what multiplies
    the old state, what multiplies g, and the sign with which each moves w.
    For example ``momentum_to_torch({"w": [0.1, 0]}, 0.2, 0.9)`` is
    ``({"w": [-0.5, 0]}, 0.2, 0.9)``.

    Parameters
    ----------
    deltas : dict of str to ndarray
        the notes' last steps Delta w
    eta : float
    mu : float

    Returns
    -------
    tuple (buffers, lr, momentum)
        buffers a dict with the keys and shapes of deltas; lr and momentum floats
    """
    raise NotImplementedError


def adagrad_step(params, grads, sums, lr, eps):
    """Return the parameters and the sums of squared gradients after one AdaGrad step (torch's ``Adagrad``).

    Time budget: 2 s of CPU per call (the course default).

    Each entry's rate is reduced by the accumulated squares of all its
    gradients so far: ``s <- s + g^2``, then
    ``w <- w - lr g / (sqrt(s) + eps)`` (eps outside the square root, as
    torch; torch's default eps is 1e-10, its ``lr_decay`` is 0). The state
    ``sums`` is s for every parameter, zeros before the first step.
    For example ``w = [1, -2]``, ``g = [3, -4]``, ``s = [16, 0]``, ``lr = 0.5``,
    ``eps = 1e-10`` give ``s = [25, 16]`` and
    ``w = [1 - 0.5 * 3/5, -2 + 0.5 * 4/4] = [0.7, -1.5]``.

    Parameters
    ----------
    params : dict of str to ndarray
    grads : dict of str to ndarray
    sums : dict of str to ndarray
        the sums of squared gradients s
    lr : float
    eps : float

    Returns
    -------
    tuple (new_params, new_sums)
        two dicts with the keys of params
    """
    raise NotImplementedError


def rmsprop_step(params, grads, averages, lr, alpha, eps):
    """Return the parameters and the running averages of squared gradients after one RMSProp step (torch's ``RMSprop``).

    Time budget: 2 s of CPU per call (the course default).

    AdaGrad's sum is replaced by an exponentially weighted average, with
    torch's ``alpha`` (0.99 by default) weighting the OLD average:
    ``r <- alpha r + (1 - alpha) g^2``, then ``w <- w - lr g / (sqrt(r) + eps)``
    (eps outside the square root; no bias correction). The state ``averages``
    is r for every parameter, zeros before the first step.
    For example ``w = [1, -2]``, ``g = [3, -4]``, ``r = [0, 0]``, ``lr = 0.01``,
    ``alpha = 0.99``, ``eps = 1e-8`` give ``r = [0.09, 0.16]`` and
    ``w = [1 - 0.01 * 3/0.3, -2 + 0.01 * 4/0.4] = [0.9, -1.9]`` (to 1e-8).

    Parameters
    ----------
    params : dict of str to ndarray
    grads : dict of str to ndarray
    averages : dict of str to ndarray
        the running averages r
    lr : float
    alpha : float
    eps : float

    Returns
    -------
    tuple (new_params, new_averages)
        two dicts with the keys of params
    """
    raise NotImplementedError


def adam_step(params, grads, state, lr, beta1, beta2, eps):
    """Return the parameters and the state after one Adam step with bias correction (torch's ``Adam``).

    Time budget: 2 s of CPU per call (the course default).

    The state is ``{"step": t, "m": {name: m}, "v": {name: v}}``: the number
    of steps taken so far (0 before the first) and the two moving averages
    (zeros before the first step). One step:

    - ``t <- t + 1``;
    - ``m <- beta1 m + (1 - beta1) g`` and ``v <- beta2 v + (1 - beta2) g^2``;
    - bias correction: ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``;
    - ``w <- w - lr m_hat / (sqrt(v_hat) + eps)``: eps is added to the root
      of the CORRECTED v, as torch does.

    Return the state with the new t, m and v. For example, at the first step
    ``m_hat = g`` and ``v_hat = g^2``, so each weight moves by about lr against
    its gradient's sign: ``w = [1, -2]``, ``g = [3, -4]``, ``lr = 0.1``,
    betas ``0.9, 0.999``, ``eps = 1e-8`` give ``w = [0.9, -1.9]`` (to 1e-9) and
    the state ``{"step": 1, "m": {"w": [0.3, -0.4]}, "v": {"w": [0.009, 0.016]}}``.

    Parameters
    ----------
    params : dict of str to ndarray
    grads : dict of str to ndarray
    state : dict
        ``{"step": int, "m": dict of str to ndarray, "v": dict of str to ndarray}``
    lr : float
    beta1 : float
    beta2 : float
    eps : float

    Returns
    -------
    tuple (new_params, new_state)
        new_params a dict with the keys of params; new_state a dict as state
    """
    raise NotImplementedError


def clip_grad_value(grads, clip_value):
    """Return the gradients with every entry clipped to ``[-clip_value, clip_value]`` (torch's ``clip_grad_value_``).

    Time budget: 2 s of CPU per call (the course default).

    An entry above c becomes c, one below -c becomes -c, the others stay as
    they are. The notes clip a critic's parameters this way: with c = 5,
    both 14 and 16 become 5 while -4.2 is left as it is. For example
    ``clip_grad_value({"critic.weight": [[14, 16, -4.2]], "critic.bias": [-7]}, 5)``
    is ``{"critic.weight": [[5, 5, -4.2]], "critic.bias": [-5]}``.

    Parameters
    ----------
    grads : dict of str to ndarray
    clip_value : float
        c > 0

    Returns
    -------
    dict of str to ndarray
        the clipped gradients, with the keys of grads
    """
    raise NotImplementedError


def clip_grad_norm(grads, max_norm):
    """Return the gradients clipped by their total norm and that total norm, as torch's ``clip_grad_norm_``.

    Time budget: 2 s of CPU per call (the course default).

    The total norm N is the 2-norm of ALL the gradients together, as if they
    were one long vector: ``N = sqrt(sum over every parameter and entry of g^2)``.
    Every gradient is multiplied by the same factor
    ``min(1, max_norm / (N + 1e-6))``: torch adds 1e-6 to the norm, and leaves
    the gradients as they are when the factor is not below 1. Return N as it
    was BEFORE clipping (what torch's ``clip_grad_norm_`` returns).
    For example gradients ``[[3, 0]]`` and ``[4]`` have N = 5; with
    ``max_norm = 1`` they become ``[[0.6, 0]]`` and ``[0.8]`` times
    ``5 / (5 + 1e-6)``, with ``max_norm = 10`` they stay; N = 5 both times.

    Parameters
    ----------
    grads : dict of str to ndarray
    max_norm : float
        > 0

    Returns
    -------
    tuple (clipped, total_norm)
        clipped a dict with the keys of grads; total_norm a float
    """
    raise NotImplementedError
