"""Derivation exercises: answers are expressions, checked symbolically and by sampling.

Each exercise's student function returns an expression as a string (or, for
a multi-step derivation, a list of strings). The question behind it -- the
names a student may use, their domains, the known wrong answers -- is
declared here as data (:class:`~grader.derivations.question.Question`);
:mod:`grader.derivations` reads, compares and explains. The known mistakes
are named and explained here, but the wrong answers they stand for are
written beside their variants in ``reference/derivations_mistakes.py``
(``WRONG_ANSWERS``), since some are one sign away from the right answer.

The correct answers come from ``reference/derivations.py`` through
``t.reference()``, like any expected value, and each check hands the judge
an answer key: the correct answer with the known wrong ones
(:func:`answer_key_of`). In a recording each exercise keeps instead the
values of both at the points the check samples and at the worked examples
(a :class:`~grader.derivations.sampled.SampledTarget`, made by the
exercise's ``recorded_reference``), so the student bundle holds neither a
correct nor a known wrong answer, and the checks judge from those values.

Every single-answer exercise has the same checks, generated from its question:

- ``worked_values`` (public): the answer's value at the notes' worked
  example or at simple points;
- ``equivalent`` (public): equal to the correct expression everywhere on
  the domains (symbolic proof, else at least 8 random points at 30 digits),
  with the known mistake or a generic diagnosis named;
- ``hidden_points`` (hidden): equal at 16 new random points drawn from the
  student's own seed, by sampling alone.

Multi-step exercises check the start and the result, that each step follows
from the one before, and the number of steps.

Every judgement runs in a sandbox child of its own
(:mod:`~grader.derivations.sandboxed_judge`), under the limits student code
runs under: the answer is the student's text, even though the judging code
is the grader's.
"""

from __future__ import annotations

from typing import Any, Callable

from grader.declarations import Check, Exercise, Mistake, StudentFunction
from grader.derivations import answers
from grader.derivations import sandboxed_judge as judging
from grader.derivations.answer_key import AnswerKey, answer_key
from grader.derivations.domains import (
    BINARY,
    PLUS_MINUS_ONE,
    PROBABILITY,
    Below,
    Integers,
    Interval,
    OneHot,
    Positive,
    Real,
    Simplex,
    SymmetricZeroDiagonal,
)
from grader.derivations.question import Definition, Dimension, Example, Index, KnownMistake, Question, Symbol
from grader.derivations.sampled import sample_target
from grader.trial import Trial

MISTAKES = "reference.derivations_mistakes"

# -- the questions ---------------------------------------------------------------------------

SIGMOID_DERIVATIVE = Question(
    id="sigmoid_derivative",
    target="d sigma / dz",
    symbols=(Symbol("z", Real(-4, 4), description="the weighted input"),),
    functions=("sigma", "exp", "log", "sqrt", "tanh", "cosh"),
    required_functions=("sigma",),
    forbidden_functions=("exp",),
    mistakes=(
        KnownMistake(
            "lost the minus of e^-z",
            "count the minus signs: d/du u^{-1} brings one and the inner derivative d/dz e^{-z} brings another. The "
            "sigmoid is increasing, so its derivative is positive for every z; yours is negative.",
            "sigmoid_derivative_lost_minus",
        ),
        KnownMistake(
            "chain rule forgotten",
            "(1 + e^{-z})^{-1} is a function of u = 1 + e^{-z}: the derivative of u^{-1} must be multiplied by the "
            "inner derivative du/dz.",
            "sigmoid_derivative_no_chain_rule",
        ),
        KnownMistake(
            "tanh derivative",
            "1 - tanh^2 is the derivative of tanh, not of the sigmoid. Differentiate (1 + e^{-z})^{-1} with the "
            "chain rule, then look for sigma in the result: what is 1 - sigma(z) as a single fraction?",
            "sigmoid_derivative_tanh",
        ),
        KnownMistake(
            "z in the bracket",
            "at z = 0 your answer gives 1/2, but sigma'(0) = 1/4. Here z is the weighted input, while the notes' "
            "shorthand writes z for the activation sigma(a): check which of the two belongs in the second factor.",
            "sigmoid_derivative_z_in_bracket",
        ),
    ),
    examples=(
        Example({"z": 0}, "z = 0 (sigma'(0) = 1/4)"),
        Example({"z": 2}, "z = 2"),
        Example({"z": -3}, "z = -3"),
    ),
)

SIGMOID_DERIVATIVE_STEPS = Question(
    id="sigmoid_derivative_steps",
    target="the derivative of the sigmoid, in terms of sigma",
    symbols=(Symbol("z", Real(-4, 4)),),
    functions=("sigma", "exp", "log", "diff"),
    required_functions=("sigma",),
    forbidden_functions=("exp",),
    start="diff((1 + exp(-z))^(-1), z)",
    min_steps=4,
    mistakes=(
        KnownMistake(
            "lost the minus of e^-z",
            "d/dz e^{-z} = -e^{-z}: the chain rule brings a second minus sign, and the two cancel.",
            "sigmoid_derivative_steps_lost_minus",
        ),
    ),
)

_OUTPUT_NAMES = (
    Symbol("a_j", Real(-3, 3), description="the weighted input of output neuron j", aliases=("a_j^L", "a^L_j")),
    Symbol("y_j", Real(-0.5, 1.5), description="the desired output", aliases=("y_j^L",)),
)

BP1_QUADRATIC = Question(
    id="bp1_quadratic",
    target="delta_j^L = dC/da_j^L",
    symbols=_OUTPUT_NAMES,
    definitions=(Definition("z_j", "sigma(a_j)", "the activation z_j^L = sigma(a_j^L)", aliases=("z_j^L", "z^L_j")),),
    functions=("sigma", "sigma'", "exp"),
    mistakes=(
        KnownMistake(
            "sign of the output error",
            "differentiating (y_j - z_j)^2 with respect to z_j, the chain rule brings the inner derivative "
            "d(y_j - z_j)/dz_j = -1: check the sign of your first factor.",
            "bp1_quadratic_error_sign",
        ),
        KnownMistake(
            "sigma' forgotten",
            "you stopped at dC/dz_j, the derivative with respect to the activation; delta_j is the derivative with "
            "respect to the weighted input a_j, so the chain rule needs one more link, dz_j/da_j.",
            "bp1_quadratic_no_sigma_prime",
        ),
        KnownMistake(
            "factor 2 kept",
            "the 1/2 in C = 1/2 sum (y_j - z_j)^2 cancels the 2 from the square.",
            "bp1_quadratic_factor_two",
            credit=0.5,
        ),
        KnownMistake(
            "sigma' of the activation",
            "dz_j/da_j is the sigmoid's derivative at the sigmoid's own argument: is that argument the weighted "
            "input or the activation?",
            "bp1_quadratic_sigma_prime_of_z",
        ),
    ),
    examples=(
        Example({"a_j": 0, "y_j": 1}, "a_j = 0, y_j = 1 (z_j = 1/2, sigma'(0) = 1/4)"),
        Example({"a_j": 2, "y_j": 0}, "a_j = 2, y_j = 0"),
    ),
)

CROSS_ENTROPY_WEIGHT_GRADIENT = Question(
    id="cross_entropy_weight_gradient",
    target="dC/dw_j for the cross-entropy cost",
    symbols=(
        Symbol("x_j", Real(-2, 2), description="the input j"),
        Symbol("a", Real(-3, 3), description="the weighted input a = sum_j w_j x_j + b"),
        Symbol("y", PROBABILITY, description="the desired output"),
    ),
    definitions=(Definition("z", "sigma(a)", "the output z = sigma(a)"),),
    functions=("sigma", "sigma'", "exp", "log"),
    mistakes=(
        KnownMistake(
            "sigma' kept",
            "work out dC/dz for the cross-entropy and put it over one denominator: that denominator is exactly "
            "dz/da, so the two cancel and no sigma' is left (that is the point of the cross-entropy).",
            "cross_entropy_weight_gradient_sigma_prime",
        ),
        KnownMistake(
            "sign of the error",
            "check the sign: C = -[y ln z + (1 - y) ln(1 - z)] has a minus in front, and d/dz ln(1 - z) brings "
            "another. Gradient descent moves against the gradient, and that must move z towards y.",
            "cross_entropy_weight_gradient_sign",
        ),
        KnownMistake(
            "x_j forgotten",
            "your answer is dC/da, the derivative with respect to the weighted input; one more link of the chain "
            "rule, da/dw_j, takes it to the weight w_j.",
            "cross_entropy_weight_gradient_no_x",
        ),
        KnownMistake(
            "dz/da forgotten",
            "the chain rule from C to w_j passes through z and a: you have dC/dz and da/dw_j but not dz/da, the "
            "sigmoid's derivative -- and it cancels your denominator.",
            "cross_entropy_weight_gradient_no_dz_da",
        ),
    ),
    examples=(
        Example({"x_j": 1, "a": 0, "y": 1}, "x_j = 1, a = 0, y = 1"),
        Example({"x_j": 2, "a": 0, "y": 0}, "x_j = 2, a = 0, y = 0"),
    ),
)

SOFTMAX_LOG_LIKELIHOOD_GRADIENT = Question(
    id="softmax_log_likelihood_gradient",
    target="dC/da^L for a softmax output and the log-likelihood cost",
    symbols=(
        Symbol("z", Simplex(), shape=("n",), description="the softmax output z^L", aliases=("z^L",)),
        Symbol("y", OneHot(), shape=("n",), description="the one-hot target"),
    ),
    dimensions=(Dimension("n", 2, 6),),
    functions=("exp", "log"),
    mistakes=(
        KnownMistake(
            "sign of the error",
            "C = -ln z_y decreases as z_y grows, so the gradient's entry for the correct class must be negative; in "
            "your answer it is positive.",
            "softmax_log_likelihood_gradient_sign",
        ),
        KnownMistake(
            "sigmoid derivative kept",
            "a softmax output is not a sigmoid: each z_i depends on every a_k. Multiply the derivative of -ln z_y "
            "by the softmax's whole Jacobian dz_i/da_k, diagonal and off-diagonal terms; no extra factor survives.",
            "softmax_log_likelihood_gradient_sigma_prime",
        ),
        KnownMistake(
            "1 subtracted everywhere",
            "the -1 comes from differentiating -ln z_y, so only the entry of the correct class gets it. Check: the "
            "entries of dC/da^L must sum to 0, and yours do not.",
            "softmax_log_likelihood_gradient_minus_one",
        ),
    ),
    examples=(
        Example({"z": [0.7, 0.2, 0.1], "y": [1, 0, 0]}, "z = [0.7, 0.2, 0.1], y = [1, 0, 0]"),
        Example({"z": [0.25, 0.25, 0.5], "y": [0, 0, 1]}, "z = [0.25, 0.25, 0.5], y = [0, 0, 1]"),
    ),
)

BP2_HIDDEN_ERROR = Question(
    id="bp2_hidden_error",
    target="delta^l (BP2)",
    symbols=(
        Symbol("W_next", Real(-2, 2), shape=("n_next", "n"), description="the weights W^{l+1}", aliases=("W^{l+1}",)),
        Symbol("delta_next", Real(-2, 2), shape=("n_next",), description="the error delta^{l+1}", aliases=("delta^{l+1}",)),
        Symbol("a", Real(-3, 3), shape=("n",), description="the weighted input a^l", aliases=("a^l",)),
    ),
    definitions=(Definition("z", "sigma(a)", "the activation z^l = sigma(a^l)", aliases=("z^l",)),),
    dimensions=(Dimension("n", 2, 6), Dimension("n_next", 2, 6)),
    functions=("sigma", "sigma'", "exp"),
    mistakes=(
        KnownMistake(
            "no transpose",
            "check the shapes: W^{l+1} is (n_next, n) and delta^{l+1} has n_next entries, while delta^l must have "
            "the n entries of layer l. The error flows backwards through the weights.",
            "bp2_hidden_error_no_transpose",
        ),
        KnownMistake(
            "matrix product instead of (.)",
            "sigma'(a^l) multiplies entry by entry: use the Hadamard product (.), not a matrix product.",
            "bp2_hidden_error_matrix_product",
        ),
        KnownMistake(
            "sigma' forgotten",
            "what you have is dC/dz^l, the derivative with respect to the activation; delta^l is dC/da^l, so the "
            "chain rule needs one more link, through z^l = sigma(a^l).",
            "bp2_hidden_error_no_sigma_prime",
        ),
        KnownMistake(
            "sigma' of the activation",
            "dz^l/da^l is the sigmoid's derivative at the sigmoid's own argument: is that argument the weighted "
            "input or the activation?",
            "bp2_hidden_error_sigma_prime_of_z",
        ),
    ),
    examples=(
        Example(
            {"W_next": [[1, 2, 0], [0, -1, 1]], "delta_next": [1, 2], "a": [0, 0, 0]},
            "W^{l+1} = [[1, 2, 0], [0, -1, 1]], delta^{l+1} = [1, 2], a^l = 0",
        ),
        Example(
            {"W_next": [[0.5, -1], [2, 1], [1, 0]], "delta_next": [1, -1, 0.5], "a": [1, -2]},
            "a 3 x 2 W^{l+1}, delta^{l+1} = [1, -1, 0.5], a^l = [1, -2]",
        ),
    ),
)

BP3_BIAS_GRADIENT = Question(
    id="bp3_bias_gradient",
    target="dC/db^l (BP3)",
    symbols=(
        Symbol("delta", Real(-2, 2), shape=("n",), description="the error delta^l", aliases=("delta^l",)),
        Symbol("a", Real(-3, 3), shape=("n",), description="the weighted input a^l", aliases=("a^l",)),
        Symbol("z_prev", Interval(0, 1), shape=("n_prev",), description="the activation z^{l-1}", aliases=("z^{l-1}",)),
    ),
    dimensions=(Dimension("n", 2, 6), Dimension("n_prev", 2, 6)),
    functions=("sigma", "sigma'", "exp"),
    mistakes=(
        KnownMistake(
            "sigma' applied again",
            "delta^l = dC/da^l already includes sigma'(a^l); what remains of the chain rule is da^l/db^l -- work it "
            "out from a^l = W^l z^{l-1} + b^l.",
            "bp3_bias_gradient_sigma_prime",
        ),
        KnownMistake(
            "BP4 instead of BP3",
            "your answer has the shape of W^l, (n, n_prev), but dC/db^l must have the shape of b^l. A bias "
            "multiplies no input (think of its input as the constant 1): what is da^l/db^l?",
            "bp3_bias_gradient_bp4",
        ),
        KnownMistake(
            "descent step instead of gradient",
            "the minus belongs to the gradient-descent step, which moves against the gradient; the question asks "
            "for the gradient itself.",
            "bp3_bias_gradient_minus",
        ),
    ),
    examples=(Example({"delta": [0.5, -1], "a": [0, 1], "z_prev": [0.2, 0.4, 0.6]}, "delta^l = [0.5, -1]"),),
)

BP4_WEIGHT_GRADIENT = Question(
    id="bp4_weight_gradient",
    target="dC/dW^l (BP4)",
    symbols=(
        Symbol("delta", Real(-2, 2), shape=("n",), description="the error delta^l", aliases=("delta^l",)),
        Symbol("z_prev", Interval(0, 1), shape=("n_prev",), description="the activation z^{l-1}", aliases=("z^{l-1}",)),
        Symbol("a", Real(-3, 3), shape=("n",), description="the weighted input a^l", aliases=("a^l",)),
    ),
    definitions=(Definition("z", "sigma(a)", "the activation z^l = sigma(a^l)", aliases=("z^l",)),),
    dimensions=(Dimension("n", 2, 6), Dimension("n_prev", 2, 6)),
    functions=("sigma", "sigma'", "exp"),
    mistakes=(
        KnownMistake(
            "transposed",
            "check the shape: dC/dW^l has the shape of W^l, (n, n_prev), but your product is (n_prev, n). Entry "
            "(j, k) is dC/dw_jk, with j a neuron of layer l.",
            "bp4_weight_gradient_transposed",
        ),
        KnownMistake(
            "inner product",
            "dC/dW^l has one entry per weight, so it is a matrix of the shape of W^l, (n, n_prev); an inner product "
            "gives a single number (and needs n = n_prev).",
            "bp4_weight_gradient_inner_product",
        ),
        KnownMistake(
            "activation of the same layer",
            "w_jk^l carries the activation of unit k of the previous layer into neuron j of layer l: which layer's "
            "activations does W^l multiply in a^l = W^l z^{l-1} + b^l?",
            "bp4_weight_gradient_same_layer",
        ),
        KnownMistake(
            "sigma' applied again",
            "delta^l = dC/da^l already includes sigma'(a^l): applying it again counts the activation's derivative "
            "twice. What remains of the chain rule is da^l/dW^l.",
            "bp4_weight_gradient_sigma_prime",
        ),
    ),
    examples=(
        Example({"delta": [1, -2], "z_prev": [0.5, 0, 1], "a": [0, 0]}, "delta^l = [1, -2], z^{l-1} = [0.5, 0, 1]"),
    ),
)

_HOPFIELD_W = [[0, -0.6, 0.6], [-0.6, 0, -0.6], [0.6, -0.6, 0]]

HOPFIELD_ENERGY_CHANGE = Question(
    id="hopfield_energy_change",
    target="E' - E when unit k flips",
    symbols=(
        Symbol("w", SymmetricZeroDiagonal(), shape=("N", "N"), description="the weights, w_ij = w_ji, w_ii = 0"),
        Symbol("y", PLUS_MINUS_ONE, shape=("N",), description="the states before the flip, +1 or -1"),
    ),
    definitions=(Definition("v_k", "sum_{j != k} w_kj*y_j", "the net input of unit k"),),
    dimensions=(Dimension("N", 3, 7),),
    indices=(Index("k", "N"), Index("j", "N", summation=True), Index("i", "N", summation=True)),
    functions=(),
    mistakes=(
        KnownMistake(
            "energy change reversed",
            "the change is the energy after the flip minus the energy before. Check the sign: when the flip follows "
            "the update rule (y_k and v_k of opposite signs), the energy must go down.",
            "hopfield_energy_change_sign",
        ),
        KnownMistake(
            "factor 1/2 kept",
            "y_k appears in the terms w_kj y_k y_j and w_jk y_j y_k: together they double, cancelling the 1/2 of E.",
            "hopfield_energy_change_half",
        ),
        KnownMistake(
            "y_k dropped",
            "the size and the sign of the change depend on the state unit k flips from: write y_k' - y_k in terms "
            "of y_k.",
            "hopfield_energy_change_no_y",
        ),
    ),
    examples=(
        Example(
            {"w": _HOPFIELD_W, "y": [-1, -1, 1], "k": 0},
            "the network of example 2.3.1 in state [-1, -1, 1] when unit 1 flips",
        ),
        Example({"w": _HOPFIELD_W, "y": [1, -1, 1], "k": 2}, "example 2.3.1 in state [1, -1, 1] when unit 3 flips"),
    ),
)

RBM_HIDDEN_PROBABILITY = Question(
    id="rbm_hidden_probability",
    target="p(h_j = 1 | v)",
    symbols=(
        Symbol("v", BINARY, shape=("n_v",), description="the visible states, 0 or 1"),
        Symbol("w", Real(-2, 2), shape=("n_v", "n_h"), description="the weights, w_ij between visible i and hidden j"),
        Symbol("b", Real(-1, 1), shape=("n_h",), description="the hidden biases"),
    ),
    dimensions=(Dimension("n_v", 2, 5), Dimension("n_h", 2, 5)),
    indices=(Index("j", "n_h"), Index("i", "n_v", summation=True)),
    functions=("sigma", "exp", "log"),
    mistakes=(
        KnownMistake(
            "probability of the other state",
            "the state with the lower energy must be the more likely one: check your answer with a large positive "
            "bias b_j, which lowers the energy of h_j = 1.",
            "rbm_hidden_probability_other_state",
        ),
        KnownMistake(
            "bias forgotten",
            "the term -b_j h_j of the energy also depends on h_j: it changes the energy difference between h_j = 0 "
            "and h_j = 1.",
            "rbm_hidden_probability_no_bias",
        ),
        KnownMistake(
            "not normalised",
            "e^{-E} is only proportional to the probability: divide it by its sum over the two states h_j = 0 and "
            "h_j = 1 (a probability cannot exceed 1).",
            "rbm_hidden_probability_unnormalised",
        ),
        KnownMistake(
            "indices of w swapped",
            "w has one row per visible unit: the weight between visible i and hidden j is w_ij.",
            "rbm_hidden_probability_swapped_indices",
        ),
    ),
    examples=(
        Example(
            {"v": [1, 0], "w": [[0.01], [0.02]], "b": [0], "j": 0},
            "example 2.3.2: v = [1, 0], w_11 = 0.01, w_21 = 0.02, no bias (p = sigma(0.01))",
        ),
        Example({"v": [1, 1, 0], "w": [[1, -1], [0.5, 2], [3, 3]], "b": [-1, 0.5], "j": 1}, "v = [1, 1, 0], unit j = 2"),
    ),
)

HE_INITIALISATION = Question(
    id="he_initialisation",
    target="the He initialisation scale eps",
    symbols=(
        Symbol("M", Integers(1, 1000), description="the number of inputs of the unit"),
        Symbol("N", Integers(1, 1000), description="the number of units in the layer"),
    ),
    functions=("sqrt", "log", "exp"),
    mistakes=(
        KnownMistake(
            "Xavier (Glorot) scale",
            "1/sqrt(M) is Xavier's scale, for tanh and sigmoid units. A ReLU zeroes half of its inputs: what does "
            "that do to the variance of each term of the sum, and how must eps^2 change to make up for it?",
            "he_initialisation_xavier",
        ),
        KnownMistake(
            "variance instead of scale",
            "your answer is the variance eps^2 of the weights; the question asks for eps, the scale "
            "(the standard deviation) of N(0, eps^2).",
            "he_initialisation_variance",
        ),
        KnownMistake(
            "normalised Xavier",
            "sqrt(6)/sqrt(N + M) is the normalised Xavier bound for uniform weights, which averages inputs and "
            "outputs; He's scale keeps the variance of the forward pass, which depends only on the unit's M inputs.",
            "he_initialisation_normalised_xavier",
        ),
        KnownMistake(
            "inverted",
            "more inputs must mean smaller weights, so eps must fall as M grows: recheck how you solved the "
            "variance condition for eps.",
            "he_initialisation_inverted",
        ),
    ),
    examples=(Example({"M": 2, "N": 3}, "M = 2"), Example({"M": 50, "N": 10}, "M = 50")),
)

ATTENTION_SCORE_VARIANCE = Question(
    id="attention_score_variance",
    target="var(q . k)",
    symbols=(Symbol("D_k", Integers(1, 512), description="the number of components of q and k"),),
    functions=("sqrt", "log", "exp"),
    mistakes=(
        KnownMistake(
            "standard deviation",
            "that is the standard deviation of q . k (the notes slip here, 1.12.2.3); the question asks for its "
            "variance.",
            "attention_score_variance_std",
        ),
        KnownMistake(
            "variance after scaling",
            "1 is the variance after the scaling by 1/sqrt(D_k); the question asks for the unscaled q . k, a sum of "
            "products q_i k_i: what is the variance of each product, and how do variances of independent terms "
            "combine?",
            "attention_score_variance_scaled",
        ),
        KnownMistake(
            "squared",
            "variances of independent terms add; they are not multiplied. Recheck the variance of one product "
            "q_i k_i, and how many such products q . k adds up.",
            "attention_score_variance_squared",
        ),
    ),
    examples=(Example({"D_k": 64}, "D_k = 64"), Example({"D_k": 1}, "D_k = 1")),
)

VAE_KL = Question(
    id="vae_kl",
    target="KL(N(mu, sigma^2) || N(0, 1))",
    symbols=(Symbol("mu", Real(-3, 3), description="the mean"), Symbol("sigma", Positive(0.1, 5), description="the standard deviation")),
    functions=("log", "ln", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "log sigma for log sigma^2",
            "E_q[log q] contributes -1/2 log(sigma^2) = -log(sigma): once 1/2 is taken out of the whole expression, "
            "the log term in the bracket must carry the factor 2 that makes up for it.",
            "vae_kl_log_sigma",
        ),
        KnownMistake(
            "sign of the log",
            "check the sign of the log term: E_q[log q] = -1/2 log(2 pi sigma^2) - 1/2 enters the KL with a plus "
            "sign. The KL must grow as sigma shrinks towards 0; yours falls.",
            "vae_kl_log_sign",
        ),
        KnownMistake(
            "-1 forgotten",
            "the KL of N(0, 1) from itself must be 0, and yours is 1/2 there. The missing constant comes from "
            "E_q[(h - mu)^2 / sigma^2] in E_q[log q].",
            "vae_kl_no_minus_one",
        ),
        KnownMistake(
            "1/2 forgotten",
            "every term of the Gaussian log-density carries a 1/2.",
            "vae_kl_no_half",
            credit=0.5,
        ),
    ),
    examples=(
        Example({"mu": 0, "sigma": 1}, "mu = 0, sigma = 1 (the same distribution: 0)"),
        Example({"mu": 1, "sigma": 1}, "mu = 1, sigma = 1"),
        Example({"mu": 0, "sigma": 2}, "mu = 0, sigma = 2"),
    ),
)

VAE_KL_STEPS = Question(
    id="vae_kl_steps",
    target="the closed form of KL(N(mu, sigma^2) || N(0, 1))",
    symbols=VAE_KL.symbols,
    functions=("log", "ln", "exp", "sqrt"),
    start="-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)",
    min_steps=3,
    mistakes=(
        KnownMistake(
            "E[h^2] taken as mu^2",
            "under q, E[h^2] = var + mean^2 = sigma^2 + mu^2.",
            "vae_kl_steps_second_moment",
        ),
        KnownMistake(
            "log sigma for log sigma^2",
            "log(2 pi sigma^2) = log(2 pi) + log(sigma^2), and the 1/2 in front applies to both.",
            "vae_kl_steps_log_split",
        ),
    ),
)

CHAIN_RULE_EXAMPLE = Question(
    id="chain_rule_example",
    target="dz/dt",
    symbols=(Symbol("t", Real(-2, 2)),),
    definitions=(Definition("x", "t^2", "x(t) = t^2"), Definition("y", "t", "y(t) = t")),
    functions=("exp", "log", "sqrt"),
    mistakes=(
        KnownMistake(
            "inner derivatives forgotten",
            "the chain rule multiplies each partial derivative by the inner derivative of its path, dx/dt or dy/dt; "
            "then write the result in t.",
            "chain_rule_example_no_inner",
        ),
        KnownMistake(
            "only the x path",
            "z depends on t through x and through y: add the second path, dz/dy dy/dt.",
            "chain_rule_example_only_x",
        ),
        KnownMistake(
            "z instead of dz/dt",
            "t^6 is z itself, written in t; the question asks for its derivative dz/dt.",
            "chain_rule_example_z",
        ),
    ),
    examples=(Example({"t": 1}, "t = 1"), Example({"t": 2}, "t = 2"), Example({"t": -1}, "t = -1")),
)

PRODUCT_RULE_EXAMPLE = Question(
    id="product_rule_example",
    target="d/dx (x^2 x^3)",
    symbols=(Symbol("x", Real(-2, 2)),),
    functions=("exp", "log", "sqrt"),
    mistakes=(
        KnownMistake(
            "product of the derivatives",
            "the derivative of a product is not the product of the derivatives: the product rule has two terms, "
            "each factor's derivative times the OTHER factor left as it is.",
            "product_rule_example_product_of_derivatives",
        ),
        KnownMistake(
            "one term of the product rule",
            "(g h)' = g' h + g h': both factors change with x, so both terms are needed.",
            "product_rule_example_one_term",
        ),
        KnownMistake(
            "derivatives taken twice",
            "in g' h + g h' only ONE factor of each term is differentiated: the other factor is x^3 or x^2 itself, "
            "not its derivative (the notes' intermediate line differentiates it again; their result is right).",
            "product_rule_example_differentiated_twice",
        ),
    ),
    examples=(Example({"x": 1}, "x = 1"), Example({"x": 2}, "x = 2"), Example({"x": -1}, "x = -1")),
)

QUOTIENT_RULE_EXAMPLE = Question(
    id="quotient_rule_example",
    target="d/dx (x^5 / x^2)",
    symbols=(Symbol("x", Positive(0.2, 3), description="x > 0"),),
    functions=("exp", "log", "sqrt"),
    mistakes=(
        KnownMistake(
            "numerator's terms swapped",
            "the quotient rule's numerator is f' g - f g', the NUMERATOR's derivative first: x^5 / x^2 grows "
            "with x > 0, so its derivative is positive there.",
            "quotient_rule_example_terms_swapped",
        ),
        KnownMistake(
            "denominator not squared",
            "the quotient rule divides by g(x)^2, the denominator squared.",
            "quotient_rule_example_denominator_not_squared",
        ),
        KnownMistake(
            "ratio of the derivatives",
            "the derivative of a quotient is not the quotient of the derivatives f'/g': use "
            "(f' g - f g') / g^2, or simplify x^5 / x^2 first.",
            "quotient_rule_example_ratio_of_derivatives",
        ),
    ),
    examples=(Example({"x": 1}, "x = 1"), Example({"x": 2}, "x = 2"), Example({"x": 0.5}, "x = 1/2")),
)

BERNOULLI_KL = Question(
    id="bernoulli_kl",
    target="KL(Ber(p) || Ber(q))",
    symbols=(
        Symbol("p", PROBABILITY, description="the probability of 1 under P"),
        Symbol("q", PROBABILITY, description="the probability of 1 under Q"),
    ),
    functions=("log", "ln", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "arguments swapped",
            "KL(P || Q) is an expectation under P, the FIRST argument: each outcome is weighted by its probability "
            "under P. The KL divergence is not symmetric (notes 1.2.4.2).",
            "bernoulli_kl_swapped",
        ),
        KnownMistake(
            "the outcome 0 left out",
            "a Bernoulli variable takes two values: the expectation sums over x = 1 (probability p) AND x = 0 "
            "(probability 1 - p).",
            "bernoulli_kl_one_outcome",
        ),
        KnownMistake(
            "ratio inverted",
            "KL(P || Q) = E_P[log P(x) - log Q(x)]: the log of P over Q. Yours is negative where P and Q differ, and "
            "the KL divergence is never negative.",
            "bernoulli_kl_ratio_inverted",
        ),
    ),
    examples=(
        Example({"p": 0.5, "q": 0.5}, "p = q = 1/2 (the same distribution: 0)"),
        Example({"p": 0.5, "q": 0.25}, "p = 1/2, q = 1/4"),
        Example({"p": 0.9, "q": 0.5}, "p = 9/10, q = 1/2"),
    ),
)

GCN_EDGE_WEIGHT = Question(
    id="gcn_edge_weight",
    target="the entry (u, v) of D~^(-1/2) (A + I) D~^(-1/2)",
    symbols=(
        Symbol("deg_u", Integers(1, 30), description="the degree of u in A (without the self-loop)"),
        Symbol("deg_v", Integers(1, 30), description="the degree of v in A"),
    ),
    functions=("sqrt", "log", "exp"),
    mistakes=(
        KnownMistake(
            "self-loops forgotten",
            "D~ is the degree matrix of A~ = A + I: each degree gains 1 from the self-loop.",
            "gcn_edge_weight_no_self_loops",
        ),
        KnownMistake(
            "row normalisation",
            "1/(deg u + 1) is an entry of D~^-1 A~, the mean over the neighbours; D~^(-1/2) A~ D~^(-1/2) normalises "
            "symmetrically, with a factor from each end of the edge.",
            "gcn_edge_weight_row",
        ),
        KnownMistake(
            "D^-1 on both sides",
            "each side multiplies by D~^(-1/2), not by D~^-1: recheck the power of each degree.",
            "gcn_edge_weight_inverse",
        ),
    ),
    examples=(
        Example({"deg_u": 1, "deg_v": 1}, "a graph with one edge (deg u = deg v = 1)"),
        Example({"deg_u": 3, "deg_v": 1}, "deg u = 3, deg v = 1"),
    ),
)

GAN_OPTIMAL_DISCRIMINATOR = Question(
    id="gan_optimal_discriminator",
    target="D*(x)",
    symbols=(
        Symbol("p_data", Positive(0.05, 5), description="the data density at x"),
        Symbol("p_g", Positive(0.05, 5), description="the generator's density at x"),
    ),
    functions=("log", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "densities swapped",
            "D(x) is the probability that x is real, so it must grow with p_data: check your answer where p_data is "
            "much larger than p_g.",
            "gan_optimal_discriminator_swapped",
        ),
        KnownMistake(
            "density ratio",
            "D(x) is a probability, but p_data/p_g can exceed 1. Set the derivative of p_data log D + p_g "
            "log(1 - D) with respect to D to 0 and solve for D again.",
            "gan_optimal_discriminator_ratio",
        ),
        KnownMistake(
            "the value at equilibrium",
            "1/2 is D* only when p_g = p_data (a perfect generator); in general it depends on both densities.",
            "gan_optimal_discriminator_half",
        ),
    ),
    examples=(
        Example({"p_data": 1, "p_g": 1}, "p_data = p_g = 1"),
        Example({"p_data": 3, "p_g": 1}, "p_data = 3, p_g = 1"),
    ),
)

MOMENTUM_LEARNING_RATE_FACTOR = Question(
    id="momentum_learning_rate_factor",
    target="the factor momentum multiplies the learning rate by in a flat region",
    symbols=(Symbol("mu", Interval(0, 1), description="the momentum parameter, 0 < mu < 1"),),
    functions=("log", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "one step of momentum",
            "with a constant gradient every earlier step keeps contributing, shrunk by one more factor mu each "
            "time: add up all of them, not only the first two.",
            "momentum_learning_rate_factor_one_step",
        ),
        KnownMistake(
            "sign in the geometric series",
            "momentum speeds learning up in a flat region, so the factor must be above 1, and yours is below 1: "
            "recheck the sign when you summed the geometric series.",
            "momentum_learning_rate_factor_plus",
        ),
        KnownMistake(
            "momentum part only",
            "mu/(1 - mu) counts only the contributions of the earlier steps; the current gradient step belongs to "
            "the total too.",
            "momentum_learning_rate_factor_momentum_only",
        ),
    ),
    examples=(Example({"mu": 0.9}, "mu = 0.9 (a factor of 10)"), Example({"mu": 0.5}, "mu = 0.5")),
)

LARGEST_STABLE_STEP = Question(
    id="largest_stable_step",
    target="the largest learning rate for which gradient descent converges",
    symbols=(
        Symbol("lambda_max", Positive(0.1, 10), description="the largest eigenvalue of the Hessian"),
        Symbol("lambda_min", Below("lambda_max", 0.01, 0.9), description="the smallest eigenvalue (0 < lambda_min < lambda_max)"),
    ),
    functions=("sqrt", "log", "exp"),
    mistakes=(
        KnownMistake(
            "fastest step",
            "1/lambda_max removes the lambda_max direction in one step, the fastest choice, not the largest stable "
            "one: convergence only needs |1 - eta lambda_i| < 1 for every i, so 1 - eta lambda_i may be negative.",
            "largest_stable_step_fastest",
        ),
        KnownMistake(
            "smallest eigenvalue",
            "the bound must hold for every eigenvalue at once, and as eta grows the steepest direction is the first "
            "to diverge: which eigenvalue limits eta?",
            "largest_stable_step_min",
        ),
        KnownMistake(
            "inverted",
            "a larger curvature allows only a smaller step, so the bound must fall as lambda_max grows: solve "
            "|1 - eta lambda_max| < 1 for eta again.",
            "largest_stable_step_inverted",
        ),
    ),
    examples=(Example({"lambda_max": 4, "lambda_min": 1}, "lambda_max = 4, lambda_min = 1"),),
)

PERCEPTRON_UPDATE = Question(
    id="perceptron_update",
    target="the updated weights w'",
    symbols=(
        Symbol("w", Real(-2, 2), shape=("n",), description="the weights, bias w_0 first"),
        Symbol("x", Real(-2, 2), shape=("n",), description="the augmented pattern [1, x_1, ..., x_p]"),
        Symbol("d", PLUS_MINUS_ONE, shape=(), description="the target, +1 or -1"),
        Symbol("eta", Positive(0.05, 2), shape=(), description="the learning rate"),
    ),
    definitions=(Definition("y", "-d", "the perceptron's (wrong) output on this pattern"),),
    dimensions=(Dimension("n", 2, 6),),
    functions=(),
    mistakes=(
        KnownMistake(
            "(d - y) update",
            "on a misclassified pattern d - y = 2d, so this step is twice the notes' step (1.3.1.2).",
            "perceptron_update_d_minus_y",
        ),
        KnownMistake(
            "sign flipped",
            "the update must move w . x towards the sign of the target d: check what your step does to w . x when "
            "d = +1.",
            "perceptron_update_sign",
        ),
        KnownMistake(
            "increment only",
            "eta d x is only the change of the weights; the question asks for the new weights w'.",
            "perceptron_update_increment",
        ),
        KnownMistake(
            "d forgotten",
            "a step along +x raises w . x whatever the target, but for d = -1 the update must lower it: the step's "
            "direction must depend on the target.",
            "perceptron_update_no_d",
        ),
    ),
    examples=(
        Example({"w": [0, 0, 0], "x": [1, 1, 1], "d": 1, "eta": 0.5}, "example 2.2.2, first step: w = 0, x = [1, 1, 1], d = +1"),
        Example(
            {"w": [0.5, 0.5, 0.5], "x": [1, 0, 0], "d": -1, "eta": 0.5},
            "example 2.2.2, second step: w = [0.5, 0.5, 0.5], x = [1, 0, 0], d = -1",
        ),
    ),
)


# -- checks, generated from the questions -------------------------------------------------------

#: Points of the generated checks.
WORKED_POINTS, EQUIVALENT_POINTS, FORM_POINTS, HIDDEN_POINTS = 1.0, 2.0, 1.0, 1.0
#: Random points of a hidden check (sampling only, per student).
HIDDEN_SAMPLES = 16


def _check(function: str, suffix: str, doc: str, body: Callable[[Trial], None]) -> Callable[[Trial], None]:
    """A check function named ``check_<function>_<suffix>`` whose docstring's first line is ``doc``."""

    def check(t: Trial) -> None:
        body(t)

    check.__name__ = check.__qualname__ = f"check_{function}_{suffix}"
    check.__doc__ = doc
    return check


def single_answer_checks(function: str, question: Question) -> tuple[Check, ...]:
    """worked_values and equivalent (public), in_terms_of_... (public, if constrained), hidden_points (hidden)."""

    def worked_values(t: Trial) -> None:
        got = t.student()
        for judgement in judging.judge_examples(got, question, answer_key_of(question, t.reference()), rng=t.rng):
            answers.record(t, judgement)

    def equivalent(t: Trial) -> None:
        got = t.student()
        expected = answer_key_of(question, t.reference())
        answers.record(t, judging.judge_answer(got, question, expected, rng=t.rng, hidden=t.hidden))

    def in_required_form(t: Trial) -> None:
        got = t.student()
        form = judging.judge_constraints(got, question, rng=t.rng)
        if form.ok:
            # A form that computes nothing has ('sigma(0)', 'sigma(z)/0') earns its point only beside the
            # right value, as a property does (Trial.expect's with_value).
            expected = answer_key_of(question, t.reference())
            value = judging.judge_answer(
                got, question, expected, rng=t.rng, hidden=t.hidden, points=HIDDEN_SAMPLES, prove=False
            )
            if not value.ok:
                form = answers.Judgement(
                    False,
                    f"'{function}' is written as asked but is not {question.target}: the form earns its point "
                    "only beside the right value (see the 'equivalent' check)",
                )
        answers.record(t, form)

    def hidden_points(t: Trial) -> None:
        got = t.student()
        expected = answer_key_of(question, t.reference())
        answers.record(
            t,
            judging.judge_answer(got, question, expected, rng=t.rng, hidden=t.hidden, points=HIDDEN_SAMPLES, prove=False),
        )

    examples = "; ".join(example.description.split(" (")[0] for example in question.examples)
    checks = [
        Check(_check(function, "worked_values", f"'{function}' gives the right values at {examples}.", worked_values), WORKED_POINTS),
        Check(
            _check(
                function,
                "equivalent",
                f"'{function}' equals {question.target} for all valid values (a proof, or 8+ random points at 30 digits).",
                equivalent,
            ),
            EQUIVALENT_POINTS,
        ),
    ]
    if question.required_functions or question.forbidden_functions:
        form = " and ".join(
            ([f"uses {', '.join(question.required_functions)}"] if question.required_functions else [])
            + ([f"does not use {', '.join(question.forbidden_functions)}"] if question.forbidden_functions else [])
        )
        checks.append(
            Check(_check(function, "in_required_form", f"'{function}' is written as asked: it {form}.", in_required_form), FORM_POINTS)
        )
    checks.append(
        Check(
            _check(function, "hidden_points", f"'{function}' equals {question.target} at new random points.", hidden_points),
            HIDDEN_POINTS,
            hidden=True,
        )
    )
    return tuple(checks)


def steps_checks(function: str, question: Question) -> tuple[Check, ...]:
    """start_and_result, each_step_follows, enough_steps (public) and hidden_points (hidden)."""

    def judge(t: Trial, *, prove: bool = True) -> answers.StepsJudgement:
        got = t.student()
        expected = answer_key_of(question, t.reference())
        return judging.judge_steps(got, question, expected, rng=t.rng, hidden=t.hidden, prove=prove)

    def start_and_result(t: Trial) -> None:
        judgement = judge(t)
        answers.record(t, judgement.start)
        answers.record(t, judgement.target)

    def each_step_follows(t: Trial) -> None:
        answers.record(t, judge(t).follows)

    def enough_steps(t: Trial) -> None:
        answers.record(t, judge(t).count)

    def hidden_points(t: Trial) -> None:
        judgement = judge(t, prove=False)
        for part in (judgement.start, judgement.target, judgement.follows, judgement.count):
            answers.record(t, part)

    return (
        Check(
            _check(function, "start_and_result", f"'{function}' starts at the given expression and ends at {question.target}.", start_and_result),
            2.0,
        ),
        Check(_check(function, "each_step_follows", f"'{function}': each step equals the one before it.", each_step_follows), 2.0),
        Check(
            _check(function, "enough_steps", f"'{function}' shows at least {question.min_steps} steps.", enough_steps),
            1.0,
        ),
        Check(
            _check(function, "hidden_points", f"'{function}': start, result and every step agree at new random points.", hidden_points),
            1.0,
            hidden=True,
        ),
    )


def answer_key_of(question: Question, reference: Any) -> Any:
    """What a check judges against, from what ``t.reference()`` gave it.

    In reference mode that is the reference's answer (for a derivation, its
    last step): it becomes an answer key, with the question's known wrong
    answers from ``reference/derivations_mistakes.py``. A recorded target is
    passed on as it is.
    """
    if isinstance(reference, list):
        reference = reference[-1]
    if isinstance(reference, str):
        return answer_key(reference, question, _wrong_texts())
    return reference


def _wrong_texts() -> dict[str, str]:
    from grader.declarations import resolve

    return resolve(f"{MISTAKES}:WRONG_ANSWERS")  # type: ignore[return-value]


def _mistakes(question: Question, extra: tuple[Mistake, ...] = ()) -> tuple[Mistake, ...]:
    return tuple(Mistake(m.name, m.hint, f"{MISTAKES}:{m.variant}") for m in question.mistakes) + extra


# -- what a recording keeps instead of the correct answer ---------------------------------------------


def sampled_answer(question: Question) -> Callable[[Any, int], Any]:
    """The ``recorded_reference`` of a single-answer exercise: the correct expression's sampled target."""

    def record(value: Any, seed: int) -> Any:
        key: AnswerKey = answer_key_of(question, value)
        return sample_target(question, key.answer, seed=seed, wrong_answers=key.wrong_answers(question)).to_plain()

    return record


def sampled_result(question: Question, derivations: tuple[Mistake, ...]) -> Callable[[Any, int], Any]:
    """The ``recorded_reference`` of a multi-step exercise: the result's sampled target.

    ``derivations`` are the mistakes that no wrong result of the question
    describes (skipped steps, a broken step, a result in the wrong form); the
    target keeps the values of each step of their variants, so that a
    derivation following one is named from the recording.
    """

    def record(value: Any, seed: int) -> Any:
        from grader.declarations import resolve

        wrong = [
            (mistake.name, mistake.hint, answers.read_steps(resolve(mistake.variant)(), question, name=mistake.name)[0])
            for mistake in derivations
        ]
        key: AnswerKey = answer_key_of(question, value)
        return sample_target(
            question, key.answer, seed=seed, wrong_answers=key.wrong_answers(question), wrong_derivations=wrong
        ).to_plain()

    return record


ANSWER_IN_TEXT = "an answer in text (an expression, never run): there is no arithmetic to do in float32"


def derivation_exercise(function: str, title: str, notes: str, question: Question) -> Exercise:
    """A single-answer derivation exercise: the student function ``function()`` returns an expression."""
    return Exercise(
        id=f"derivations.{function}",
        title=title,
        notes=notes,
        student=StudentFunction("derivations", function),
        reference=f"reference.derivations:{function}",
        torch_reference=f"reference.derivations_torch:{function}",
        checks=single_answer_checks(function, question),
        mistakes=_mistakes(question),
        recorded_reference=sampled_answer(question),
        # one expression, with no input to echo: '0', '1', '1/2' and a random whole number
        degenerate=("zeros", "ones", "constant", "random"),
        float32=False,
        float32_reason=ANSWER_IN_TEXT,
        input_classes=(),  # the function takes no input: it returns an expression
    )


def steps_exercise(function: str, title: str, notes: str, question: Question, derivations: tuple[Mistake, ...]) -> Exercise:
    """A multi-step derivation exercise: ``function()`` returns the steps; ``derivations`` are its mistakes
    beyond the question's wrong results (see :func:`sampled_result`)."""
    return Exercise(
        id=f"derivations.{function}",
        title=title,
        notes=notes,
        student=StudentFunction("derivations", function),
        reference=f"reference.derivations:{function}",
        torch_reference=f"reference.derivations_torch:{function}",
        checks=steps_checks(function, question),
        mistakes=_mistakes(question, derivations),
        recorded_reference=sampled_result(question, derivations),
        float32=False,
        float32_reason=ANSWER_IN_TEXT,
        input_classes=(),  # the function takes no input: it returns an expression
    )


SIGMOID_DERIVATIVE_EXERCISE = derivation_exercise(
    "sigmoid_derivative", "The derivative of the sigmoid, in terms of sigma", "1.3.5.1", SIGMOID_DERIVATIVE
)

SIGMOID_DERIVATIVE_STEPS_EXERCISE = steps_exercise(
    "sigmoid_derivative_steps",
    "The derivative of the sigmoid, step by step",
    "1.3.5.1",
    SIGMOID_DERIVATIVE_STEPS,
    (
        Mistake(
            "steps skipped",
            "show the derivation, not only the start and the result: apply the chain rule, simplify the signs, then "
            "split the fraction into two factors and write each of them with sigma.",
            f"{MISTAKES}:sigmoid_derivative_steps_skipped",
        ),
        Mistake(
            "result not in terms of sigma",
            "the last step must be written with sigma and without exp: rewrite each factor of exponentials in terms "
            "of sigma(z) (what is 1 - sigma(z) as a single fraction?).",
            f"{MISTAKES}:sigmoid_derivative_steps_not_sigma",
        ),
        Mistake(
            "a step that does not follow",
            "every step must equal the one before it; a slip that a later step undoes is still a slip.",
            f"{MISTAKES}:sigmoid_derivative_steps_broken",
        ),
    ),
)

BP1_QUADRATIC_EXERCISE = derivation_exercise("bp1_quadratic", "BP1 for the quadratic cost", "1.3.4.2, example 2.2.5", BP1_QUADRATIC)
CROSS_ENTROPY_WEIGHT_GRADIENT_EXERCISE = derivation_exercise(
    "cross_entropy_weight_gradient", "The cross-entropy gradient of a sigmoid neuron", "1.3.5.1", CROSS_ENTROPY_WEIGHT_GRADIENT
)
SOFTMAX_LOG_LIKELIHOOD_GRADIENT_EXERCISE = derivation_exercise(
    "softmax_log_likelihood_gradient",
    "The gradient of softmax with the log-likelihood cost",
    "1.3.5.1",
    SOFTMAX_LOG_LIKELIHOOD_GRADIENT,
)
BP2_HIDDEN_ERROR_EXERCISE = derivation_exercise("bp2_hidden_error", "BP2 in matrix form", "1.3.4.2", BP2_HIDDEN_ERROR)
BP3_BIAS_GRADIENT_EXERCISE = derivation_exercise("bp3_bias_gradient", "BP3 in vector form", "1.3.4.2", BP3_BIAS_GRADIENT)
BP4_WEIGHT_GRADIENT_EXERCISE = derivation_exercise("bp4_weight_gradient", "BP4 in matrix form", "1.3.4.2", BP4_WEIGHT_GRADIENT)
HOPFIELD_ENERGY_CHANGE_EXERCISE = derivation_exercise(
    "hopfield_energy_change", "The Hopfield energy change when one unit flips", "1.4.1.3", HOPFIELD_ENERGY_CHANGE
)
RBM_HIDDEN_PROBABILITY_EXERCISE = derivation_exercise(
    "rbm_hidden_probability", "The RBM probability p(h_j = 1 | v) from the energy", "1.4.2.2, example 2.3.2", RBM_HIDDEN_PROBABILITY
)
HE_INITIALISATION_EXERCISE = derivation_exercise("he_initialisation", "He initialisation", "1.3.5.2", HE_INITIALISATION)
ATTENTION_SCORE_VARIANCE_EXERCISE = derivation_exercise(
    "attention_score_variance", "The variance of an attention score q . k", "1.12.2.3", ATTENTION_SCORE_VARIANCE
)
VAE_KL_EXERCISE = derivation_exercise("vae_kl", "The KL term of the VAE loss", "1.9.3.2", VAE_KL)

VAE_KL_STEPS_EXERCISE = steps_exercise(
    "vae_kl_steps",
    "The KL term of the VAE loss, step by step",
    "1.9.3.2",
    VAE_KL_STEPS,
    (
        Mistake(
            "steps skipped",
            "show at least one simplification between the start and the closed form.",
            f"{MISTAKES}:vae_kl_steps_skipped",
        ),
    ),
)

CHAIN_RULE_EXAMPLE_EXERCISE = derivation_exercise(
    "chain_rule_example", "The chain rule with two paths", "example 2.1.3", CHAIN_RULE_EXAMPLE
)
PRODUCT_RULE_EXAMPLE_EXERCISE = derivation_exercise(
    "product_rule_example", "The product rule on x^2 x^3", "1.2.2.1, example 2.1.2", PRODUCT_RULE_EXAMPLE
)
QUOTIENT_RULE_EXAMPLE_EXERCISE = derivation_exercise(
    "quotient_rule_example", "The quotient rule on x^5 / x^2", "1.2.2.1, example 2.1.2", QUOTIENT_RULE_EXAMPLE
)
BERNOULLI_KL_EXERCISE = derivation_exercise(
    "bernoulli_kl", "The KL divergence of two Bernoulli distributions", "1.2.4.2", BERNOULLI_KL
)
GCN_EDGE_WEIGHT_EXERCISE = derivation_exercise(
    "gcn_edge_weight", "The GCN's normalised edge weight", "1.13.5.2", GCN_EDGE_WEIGHT
)
GAN_OPTIMAL_DISCRIMINATOR_EXERCISE = derivation_exercise(
    "gan_optimal_discriminator", "The optimal GAN discriminator", "1.10.2", GAN_OPTIMAL_DISCRIMINATOR
)
MOMENTUM_LEARNING_RATE_FACTOR_EXERCISE = derivation_exercise(
    "momentum_learning_rate_factor", "Momentum's effective learning rate in a flat region", "1.3.5.3", MOMENTUM_LEARNING_RATE_FACTOR
)
LARGEST_STABLE_STEP_EXERCISE = derivation_exercise(
    "largest_stable_step", "The largest stable gradient-descent step", "1.3.5.3", LARGEST_STABLE_STEP
)
PERCEPTRON_UPDATE_EXERCISE = derivation_exercise(
    "perceptron_update", "The perceptron update in vector form", "1.3.1.2, example 2.2.2", PERCEPTRON_UPDATE
)

# -- recurrent networks ----------------------------------------------------------------------

LSTM_CELL_STATE_GRADIENT = Question(
    id="lstm_cell_state_gradient",
    target="dC_t/dC_{t-1} through one LSTM step (entry by entry, h_{t-1} and x_t held fixed)",
    symbols=(
        Symbol("a_f", Real(-4, 4), description="the forget gate's weighted input W_f [h_{t-1}, x_t] + b_f, whose "
               "sigmoid is the forget gate f_t"),
        Symbol("i", Interval(0, 1), description="the input gate i_t", aliases=("i_t",)),
        Symbol("g", Interval(-1, 1), description="the candidate C~_t", aliases=("C~_t",)),
        Symbol("c_prev", Real(-3, 3), description="the previous cell state C_{t-1}", aliases=("C_{t-1}",)),
    ),
    functions=("sigma", "tanh", "exp"),
    mistakes=(
        KnownMistake(
            "forget gate ignored",
            "C_{t-1} reaches C_t through the forget gate: the cell path is a carousel of weight 1 only in the "
            "original LSTM, which had no forget gate. With the notes' step for the sigmoid, f_t = 0 (worked example "
            "2.4.1) and nothing of C_{t-1} survives, so the derivative must nearly vanish when a_f is very negative.",
            "lstm_cell_state_gradient_identity",
        ),
        KnownMistake(
            "C_t's term instead of its derivative",
            "f_t * C_{t-1} is the part of C_t that comes from C_{t-1}; the question asks how C_t changes when "
            "C_{t-1} does, its derivative with respect to C_{t-1}.",
            "lstm_cell_state_gradient_term",
        ),
        KnownMistake(
            "gates differentiated",
            "the gates are computed from h_{t-1} and x_t (there are no peephole connections here), so they do not "
            "depend on C_{t-1}: only C_{t-1} itself is differentiated.",
            "lstm_cell_state_gradient_gate_derivative",
        ),
    ),
    examples=(
        Example({"a_f": -8, "i": 1, "g": 0.5, "c_prev": 2}, "a_f = -8, the forget gate's argument in worked example 2.4.1"),
        Example({"a_f": 0, "i": 0.5, "g": -0.5, "c_prev": -1}, "a_f = 0"),
    ),
)

LINEAR_RNN_BPTT = Question(
    id="linear_rnn_bptt",
    target="dL/da^(0) for the two-step linear RNN a^(t) = W_aa a^(t-1) + W_ax x^(t), t = 1, 2",
    symbols=(
        Symbol("W_aa", Real(-2, 2), shape=("n", "n"), description="the recurrent weights W_aa"),
        Symbol("W_ax", Real(-2, 2), shape=("n", "m"), description="the input weights W_ax"),
        Symbol("delta", Real(-2, 2), shape=("n",), description="the gradient dL/da^(2) of the loss at the last state"),
    ),
    dimensions=(Dimension("n", 2, 5), Dimension("m", 2, 5)),
    functions=("exp",),
    mistakes=(
        KnownMistake(
            "no transpose",
            "each step back multiplies by the Jacobian's transpose: a^(t) = W_aa a^(t-1) gives dL/da^(t-1) = "
            "W_aa^T dL/da^(t). Without it the product differs for every W_aa that is not symmetric.",
            "linear_rnn_bptt_no_transpose",
        ),
        KnownMistake(
            "truncated to one step",
            "a^(0) reaches the loss through a^(1) AND a^(2): backpropagation through time takes one factor for "
            "each of the two steps.",
            "linear_rnn_bptt_one_step",
        ),
        KnownMistake(
            "power rule on a matrix",
            "a^(2) depends on a^(0) through two matrix products, not through a square of a number: the chain rule "
            "multiplies one Jacobian per step, it brings no factor 2.",
            "linear_rnn_bptt_power_rule",
        ),
        KnownMistake(
            "gradient of x^(1)",
            "W_ax carries x^(1) into a^(1); the question asks for the gradient of the initial state a^(0), which "
            "enters a^(1) through W_aa.",
            "linear_rnn_bptt_input",
        ),
    ),
    examples=(
        Example(
            {"W_aa": [[1, 2], [0, 1]], "W_ax": [[1, 0, 1], [0, 1, 1]], "delta": [1, 1]},
            "W_aa = [[1, 2], [0, 1]] (not symmetric), delta = [1, 1]",
        ),
    ),
)

LSTM_CELL_STATE_GRADIENT_EXERCISE = derivation_exercise(
    "lstm_cell_state_gradient", "dC_t/dC_{t-1} through one LSTM step", "1.6.2.1, example 2.4.1", LSTM_CELL_STATE_GRADIENT
)
LINEAR_RNN_BPTT_EXERCISE = derivation_exercise(
    "linear_rnn_bptt", "BPTT through a two-step linear RNN", "1.6.1.1", LINEAR_RNN_BPTT
)

# -- convolutional networks ------------------------------------------------------------------

CONV_OUTPUT_SIZE = Question(
    id="conv_output_size",
    target="the output size of a convolution along one direction (S divides n + 2P - D (k - 1) - 1)",
    symbols=(
        Symbol("n", Integers(8, 64), description="the input's size (height or width)"),
        Symbol("k", Integers(1, 7), description="the filter's size along the same direction"),
        Symbol("P", Integers(0, 3), description="the zeros added on each side"),
        Symbol("S", Integers(1, 4), description="the stride"),
        Symbol("D", Integers(1, 3), description="the dilation: the spacing of the filter's taps"),
    ),
    functions=("sqrt", "exp"),
    mistakes=(
        KnownMistake(
            "padding outside the stride division",
            "the padding widens the input the filter slides over, so it belongs inside the division by the stride: "
            "count the positions where the filter fits in the padded input.",
            "conv_output_size_padding_outside_stride",
        ),
        KnownMistake(
            "padding on one side only",
            "P zeros go on EACH side of the input: how wide is the padded input?",
            "conv_output_size_one_side_padding",
        ),
        KnownMistake(
            "dilation ignored",
            "a filter whose k taps are D pixels apart spans more than k pixels: how many, from its first tap to its "
            "last?",
            "conv_output_size_dilation_ignored",
        ),
        KnownMistake(
            "first position forgotten",
            "dividing by the stride counts the steps between the first and the last position of the filter; the "
            "number of positions is one more.",
            "conv_output_size_no_first_position",
        ),
    ),
    examples=(
        Example({"n": 9, "k": 3, "P": 1, "S": 2, "D": 1}, "n = 9, a 3-wide filter, padding 1, stride 2"),
        Example({"n": 11, "k": 3, "P": 0, "S": 1, "D": 2}, "n = 11, a 3-tap filter with dilation 2"),
    ),
)

CONV_PARAMETER_COUNT = Question(
    id="conv_parameter_count",
    target="the number of trainable parameters of a conv layer with a bias",
    symbols=(
        Symbol("C_in", Integers(1, 64), description="the number of input channels"),
        Symbol("C_out", Integers(1, 64), description="the number of output channels (filters)"),
        Symbol("k_h", Integers(1, 7), description="the filter's height"),
        Symbol("k_w", Integers(1, 7), description="the filter's width"),
    ),
    functions=("sqrt", "exp"),
    mistakes=(
        KnownMistake(
            "bias per input channel",
            "a filter spans every input channel at once and adds ONE bias to the sum: how many biases does the "
            "layer have?",
            "conv_parameter_count_bias_per_input_channel",
        ),
        KnownMistake(
            "input channels forgotten",
            "a filter on an RGB image is 3 x 3 x 3 = 27 weights (plus a bias), not 9: each filter has a k_h x k_w "
            "plane in every input channel.",
            "conv_parameter_count_input_channels_forgotten",
        ),
        KnownMistake(
            "one bias for the layer",
            "each of the C_out filters (one per output channel) has a bias of its own.",
            "conv_parameter_count_one_bias",
        ),
    ),
    examples=(
        Example({"C_in": 3, "C_out": 1, "k_h": 3, "k_w": 3}, "one 3x3 filter on an RGB image (notes 1.5.1.3)"),
        Example({"C_in": 16, "C_out": 32, "k_h": 3, "k_w": 5}, "16 channels to 32 with 3x5 filters"),
    ),
)

CONV_OUTPUT_SIZE_EXERCISE = derivation_exercise(
    "conv_output_size", "The output size of a convolution", "1.5.1.3; slides: padding and stride", CONV_OUTPUT_SIZE
)
CONV_PARAMETER_COUNT_EXERCISE = derivation_exercise(
    "conv_parameter_count", "The parameter count of a conv layer", "1.5.1.3 (filters)", CONV_PARAMETER_COUNT
)

# -- training networks ------------------------------------------------------------------------

HE_VARIANCE = Question(
    id="he_variance",
    target="var[a_i^l], the variance of a ReLU network's weighted input (He's argument)",
    symbols=(
        Symbol("M", Integers(1, 1000), description="the number of inputs of the unit"),
        Symbol("eps", Positive(0.01, 2), description="the scale of the weights, w_ij ~ N(0, eps^2)", aliases=("epsilon",)),
        Symbol("lambda", Positive(0.1, 3), description="the standard deviation of the previous layer's weighted inputs"),
    ),
    functions=("sqrt", "log", "exp"),
    mistakes=(
        KnownMistake(
            "ReLU's half forgotten",
            "E[z^2] is not the variance of a: a ReLU zeroes the negative half of a symmetric a, so E[ReLU(a)^2] "
            "keeps only half of E[a^2]. (For a zero-mean weight, var[w z] = var[w] E[z^2], with z's second moment.)",
            "he_variance_no_half",
        ),
        KnownMistake(
            "one term of the sum",
            "a_i^l adds up M independent terms w_ij z_j^{l-1}: the variances of independent terms add.",
            "he_variance_one_term",
        ),
        KnownMistake(
            "standard deviation",
            "that is the standard deviation of a_i^l; the question asks for its variance.",
            "he_variance_std",
        ),
        KnownMistake(
            "the notes' e^2",
            "the e in the notes' result is a slip for the weights' scale eps (course README), not Euler's number "
            "e = 2.718...: write eps.",
            "he_variance_euler_e",
        ),
        KnownMistake(
            "eps not squared",
            "var[w_ij] = eps^2 for w_ij ~ N(0, eps^2): eps is a standard deviation, and a variance is its square.",
            "he_variance_eps_not_squared",
        ),
    ),
    examples=(
        Example({"M": 2, "eps": 1, "lambda": 1}, "M = 2, eps = 1, lambda = 1"),
        Example({"M": 50, "eps": 0.2, "lambda": 3}, "M = 50, eps = 1/5 (He's scale for M = 50), lambda = 3"),
    ),
)

MOMENTUM_CONSTANT_GRADIENT_STEP = Question(
    id="momentum_constant_gradient_step",
    target="the step Delta w that momentum settles to under a constant gradient g",
    symbols=(
        Symbol("eta", Positive(0.01, 1), description="the learning rate"),
        Symbol("mu", Interval(0, 1), description="the momentum parameter, 0 < mu < 1"),
        Symbol("g", Real(-3, 3), description="the gradient dE/dw (one component), the same at every step"),
    ),
    functions=("log", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "sign of the step",
            "each step goes AGAINST the gradient, -eta g, and momentum adds earlier steps of the same sign: the "
            "settled step has the sign of -g.",
            "momentum_constant_gradient_step_sign",
        ),
        KnownMistake(
            "one step of momentum",
            "Delta w keeps every earlier step, shrunk by one more factor mu each time: add all of them (a "
            "geometric series), not only the first two.",
            "momentum_constant_gradient_step_one_step",
        ),
        KnownMistake(
            "sign in the geometric series",
            "momentum makes the steps LARGER than -eta g when the gradient keeps its direction; yours are smaller: "
            "recheck the sum of the geometric series, or solve Delta w = -eta g + mu Delta w for Delta w.",
            "momentum_constant_gradient_step_plus",
        ),
        KnownMistake(
            "momentum part only",
            "you added up the earlier steps' contributions; the current step -eta g belongs to the total too.",
            "momentum_constant_gradient_step_momentum_only",
        ),
        KnownMistake(
            "plain gradient descent",
            "-eta g is the step without momentum (mu = 0); with momentum each step also carries mu times the one "
            "before it.",
            "momentum_constant_gradient_step_no_momentum",
        ),
    ),
    examples=(
        Example({"eta": 0.1, "mu": 0.9, "g": 1}, "eta = 0.1, mu = 0.9, g = 1"),
        Example({"eta": 0.5, "mu": 0.5, "g": -2}, "eta = 1/2, mu = 1/2, g = -2"),
    ),
)

BATCH_NORM_INPUT_GRADIENT = Question(
    id="batch_norm_input_gradient",
    target="dC/da_m through batch normalisation (one unit, a mini-batch of K examples)",
    symbols=(
        Symbol("a", Real(-3, 3), shape=("K",), description="the unit's pre-activations over the batch, a_n"),
        Symbol("g", Real(-2, 2), shape=("K",), description="dC/dahat_n, the gradient with respect to the normalised outputs"),
        Symbol("delta", Positive(0.01, 1), description="the constant added to the variance"),
    ),
    definitions=(
        Definition("K", "sum_n 1", "the batch size"),
        Definition("mu", "1/K sum_n a_n", "the batch mean mu = 1/K sum_n a_n"),
        Definition("sigma2", "1/K sum_n (a_n - mu)^2", "the batch variance sigma^2 = 1/K sum_n (a_n - mu)^2", aliases=("sigma^2",)),
        Definition("ahat_m", "(a_m - mu)/sqrt(sigma2 + delta)", "the normalised output of example m"),
    ),
    dimensions=(Dimension("K", 2, 6),),
    indices=(Index("m", "K"), Index("n", "K", summation=True)),
    functions=("sqrt",),
    mistakes=(
        KnownMistake(
            "mean and variance held constant",
            "mu and sigma^2 are computed from the batch, a_m included: a_m reaches C through ahat_m directly AND "
            "through mu and sigma^2, which every ahat_n depends on. Add the two other paths of the chain rule.",
            "batch_norm_input_gradient_constant_statistics",
        ),
        KnownMistake(
            "variance's path forgotten",
            "you have the direct path and the path through mu; sigma^2 depends on a_m too (d sigma^2/da_m = "
            "2 (a_m - mu)/K), and every ahat_n divides by it.",
            "batch_norm_input_gradient_no_variance_path",
        ),
        KnownMistake(
            "mean's path forgotten",
            "you have the direct path and the path through sigma^2; mu depends on a_m too (dmu/da_m = 1/K), and "
            "every ahat_n subtracts it.",
            "batch_norm_input_gradient_no_mean_path",
        ),
        KnownMistake(
            "1/K forgotten",
            "mu and sigma^2 are means over the K examples: dmu/da_m = 1/K, and the paths through them carry that 1/K.",
            "batch_norm_input_gradient_no_one_over_k",
        ),
    ),
    examples=(
        Example({"a": [1, 2, 3, 6], "g": [1, 0, 0, 0], "delta": 0.5, "m": 0}, "a = [1, 2, 3, 6], g = [1, 0, 0, 0], delta = 1/2, m = 1"),
        Example({"a": [0, 2], "g": [1, -1], "delta": 1, "m": 1}, "a = [0, 2], g = [1, -1], delta = 1, m = 2"),
    ),
)

DROPOUT_EXPECTATION = Question(
    id="dropout_expectation",
    target="E[a], the expected weighted input a = sum_j w_j m_j z_j / (1 - p) after an inverted-dropout layer",
    symbols=(
        Symbol("w", Real(-2, 2), shape=("n",), description="the unit's weights w_j"),
        Symbol("z", Real(-3, 3), shape=("n",), description="the previous layer's outputs z_j, before dropout"),
        Symbol("p", Interval(0, 1), description="the probability of dropping a unit (torch's nn.Dropout(p))"),
    ),
    dimensions=(Dimension("n", 2, 6),),
    indices=(Index("j", "n", summation=True),),
    functions=("log", "exp", "sqrt"),
    mistakes=(
        KnownMistake(
            "p taken as the keep probability",
            "p is the probability of DROPPING a unit: each mask m_j is 1 with probability 1 - p, so E[m_j] is the "
            "keep probability, not p.",
            "dropout_expectation_p_as_keep",
        ),
        KnownMistake(
            "the mask's expectation left out",
            "the masks are random: by linearity E[a] = sum_j w_j E[m_j] z_j / (1 - p), and E[m_j] of a 0/1 mask is "
            "the probability that it is 1.",
            "dropout_expectation_no_mask",
        ),
        KnownMistake(
            "the division left out",
            "that is the expectation WITHOUT the inverted scaling (the slides' dropout, which scales by the keep "
            "probability at test time instead); inverted dropout divides what is kept by 1 - p at training time.",
            "dropout_expectation_no_division",
        ),
    ),
    examples=(
        Example({"w": [1, -2], "z": [3, 1], "p": 0.2}, "w = [1, -2], z = [3, 1], p = 1/5"),
        Example({"w": [0.5, 1, 2], "z": [2, -1, 1], "p": 0.75}, "w = [1/2, 1, 2], z = [2, -1, 1], p = 3/4"),
    ),
)

HE_VARIANCE_EXERCISE = derivation_exercise("he_variance", "He's variance argument", "1.3.5.2 (He initialization)", HE_VARIANCE)
MOMENTUM_CONSTANT_GRADIENT_STEP_EXERCISE = derivation_exercise(
    "momentum_constant_gradient_step",
    "Momentum's step under a constant gradient (its effective learning rate)",
    "1.3.5.3 (momentum)",
    MOMENTUM_CONSTANT_GRADIENT_STEP,
)
BATCH_NORM_INPUT_GRADIENT_EXERCISE = derivation_exercise(
    "batch_norm_input_gradient",
    "The gradient through batch normalisation's normalised output",
    "1.3.5.4 (batch normalization)",
    BATCH_NORM_INPUT_GRADIENT,
)
DROPOUT_EXPECTATION_EXERCISE = derivation_exercise(
    "dropout_expectation", "The expected output of inverted dropout", "1.5.1.7 (dropout); slides: dropout", DROPOUT_EXPECTATION
)


def derivation_reference(function: str) -> str:
    """The correct final expression of a question, from ``reference/derivations.py`` (tests, benchmark)."""
    from grader.declarations import resolve

    answer = resolve(f"reference.derivations:{function}")()
    return answer[-1] if isinstance(answer, list) else answer


def reference_answer_key(function: str) -> AnswerKey:
    """The answer key a check of ``function`` judges against in reference mode (tests, benchmark)."""
    return answer_key_of(QUESTIONS[function], derivation_reference(function))


#: Every question, by the name of its student function (tests and the benchmark use it).
QUESTIONS: dict[str, Question] = {
    "sigmoid_derivative": SIGMOID_DERIVATIVE,
    "sigmoid_derivative_steps": SIGMOID_DERIVATIVE_STEPS,
    "bp1_quadratic": BP1_QUADRATIC,
    "cross_entropy_weight_gradient": CROSS_ENTROPY_WEIGHT_GRADIENT,
    "softmax_log_likelihood_gradient": SOFTMAX_LOG_LIKELIHOOD_GRADIENT,
    "bp2_hidden_error": BP2_HIDDEN_ERROR,
    "bp3_bias_gradient": BP3_BIAS_GRADIENT,
    "bp4_weight_gradient": BP4_WEIGHT_GRADIENT,
    "hopfield_energy_change": HOPFIELD_ENERGY_CHANGE,
    "rbm_hidden_probability": RBM_HIDDEN_PROBABILITY,
    "he_initialisation": HE_INITIALISATION,
    "attention_score_variance": ATTENTION_SCORE_VARIANCE,
    "vae_kl": VAE_KL,
    "vae_kl_steps": VAE_KL_STEPS,
    "chain_rule_example": CHAIN_RULE_EXAMPLE,
    "product_rule_example": PRODUCT_RULE_EXAMPLE,
    "quotient_rule_example": QUOTIENT_RULE_EXAMPLE,
    "bernoulli_kl": BERNOULLI_KL,
    "gcn_edge_weight": GCN_EDGE_WEIGHT,
    "gan_optimal_discriminator": GAN_OPTIMAL_DISCRIMINATOR,
    "momentum_learning_rate_factor": MOMENTUM_LEARNING_RATE_FACTOR,
    "largest_stable_step": LARGEST_STABLE_STEP,
    "perceptron_update": PERCEPTRON_UPDATE,
    "lstm_cell_state_gradient": LSTM_CELL_STATE_GRADIENT,
    "linear_rnn_bptt": LINEAR_RNN_BPTT,
    "conv_output_size": CONV_OUTPUT_SIZE,
    "conv_parameter_count": CONV_PARAMETER_COUNT,
    "he_variance": HE_VARIANCE,
    "momentum_constant_gradient_step": MOMENTUM_CONSTANT_GRADIENT_STEP,
    "batch_norm_input_gradient": BATCH_NORM_INPUT_GRADIENT,
    "dropout_expectation": DROPOUT_EXPECTATION,
}

EXERCISES: tuple[Exercise, ...] = (
    SIGMOID_DERIVATIVE_EXERCISE,
    SIGMOID_DERIVATIVE_STEPS_EXERCISE,
    BP1_QUADRATIC_EXERCISE,
    CROSS_ENTROPY_WEIGHT_GRADIENT_EXERCISE,
    SOFTMAX_LOG_LIKELIHOOD_GRADIENT_EXERCISE,
    BP2_HIDDEN_ERROR_EXERCISE,
    BP3_BIAS_GRADIENT_EXERCISE,
    BP4_WEIGHT_GRADIENT_EXERCISE,
    HOPFIELD_ENERGY_CHANGE_EXERCISE,
    RBM_HIDDEN_PROBABILITY_EXERCISE,
    HE_INITIALISATION_EXERCISE,
    ATTENTION_SCORE_VARIANCE_EXERCISE,
    VAE_KL_EXERCISE,
    VAE_KL_STEPS_EXERCISE,
    CHAIN_RULE_EXAMPLE_EXERCISE,
    PRODUCT_RULE_EXAMPLE_EXERCISE,
    QUOTIENT_RULE_EXAMPLE_EXERCISE,
    BERNOULLI_KL_EXERCISE,
    GCN_EDGE_WEIGHT_EXERCISE,
    GAN_OPTIMAL_DISCRIMINATOR_EXERCISE,
    MOMENTUM_LEARNING_RATE_FACTOR_EXERCISE,
    LARGEST_STABLE_STEP_EXERCISE,
    PERCEPTRON_UPDATE_EXERCISE,
    LSTM_CELL_STATE_GRADIENT_EXERCISE,
    LINEAR_RNN_BPTT_EXERCISE,
    CONV_OUTPUT_SIZE_EXERCISE,
    CONV_PARAMETER_COUNT_EXERCISE,
    HE_VARIANCE_EXERCISE,
    MOMENTUM_CONSTANT_GRADIENT_STEP_EXERCISE,
    BATCH_NORM_INPUT_GRADIENT_EXERCISE,
    DROPOUT_EXPECTATION_EXERCISE,
)
