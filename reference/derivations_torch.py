"""The second reference for the derivation questions: the same answers, written differently.

Where the other topics have a torch implementation beside the NumPy one,
a derivation has a second, independently written form of each answer (LaTeX
for some, other algebra for others). Graded as a student, it must score full
marks: that proves the grader accepts equivalent forms, not one string.
The formulas themselves are confirmed against torch autograd and direct
computation in ``tests/test_derivations.py``.
"""

from __future__ import annotations


def sigmoid_derivative() -> str:
    """sigma - sigma^2."""
    return "\\sigma(z) - \\sigma(z)^{2}"


def sigmoid_derivative_steps() -> list[str]:
    """The quotient rule instead of the chain rule; LaTeX for the first step."""
    return [
        "\\frac{d}{dz}\\left(\\frac{1}{1 + e^{-z}}\\right)",
        "(0*(1 + exp(-z)) - 1*(-exp(-z)))/(1 + exp(-z))^2",
        "exp(-z)/(1 + exp(-z))^2 = (1 + exp(-z) - 1)/(1 + exp(-z))^2",
        "1/(1 + exp(-z)) - 1/(1 + exp(-z))^2",
        "sigma(z) - sigma(z)^2",
    ]


def bp1_quadratic() -> str:
    """In LaTeX, with the layer index and sigma' written out."""
    return "(z_j^L - y_j)\\,\\sigma(a_j^L)\\left(1 - \\sigma(a_j^L)\\right)"


def cross_entropy_weight_gradient() -> str:
    return "x_j z - x_j y"


def softmax_log_likelihood_gradient() -> str:
    return "-y + z"


def bp2_hidden_error() -> str:
    return "\\left((W^{l+1})^{\\top} \\delta^{l+1}\\right) \\odot \\sigma(a^l) \\odot (1 - \\sigma(a^l))"


def bp3_bias_gradient() -> str:
    return "\\delta^l"


def bp4_weight_gradient() -> str:
    return "(z_prev delta^T)^T"


def hopfield_energy_change() -> str:
    return "\\sum_{j \\neq k} 2 w_{kj} y_j y_k"


def rbm_hidden_probability() -> str:
    return "1/(1 + exp(-b_j - sum_i w_ij v_i))"


def he_initialisation() -> str:
    return "\\sqrt{2}/\\sqrt{M}"


def attention_score_variance() -> str:
    return "sqrt(D_k)^2"


def vae_kl() -> str:
    return "(mu^2 + sigma^2)/2 - 1/2 - ln(sigma)"


def vae_kl_steps() -> list[str]:
    return [
        "\\frac{1}{2}\\log(2\\pi) - \\frac{1}{2}\\log(2\\pi\\sigma^2) + \\frac{\\mu^2 + \\sigma^2}{2} - \\frac{1}{2}",
        "-log(sigma) + (mu^2 + sigma^2 - 1)/2",
        "(mu^2 + sigma^2 - 1 - 2 log(sigma))/2",
    ]


def chain_rule_example() -> str:
    return "2 x y^2 * 2 t + 2 x^2 y * 1"


def product_rule_example() -> str:
    return "2 x x^3 + x^2 * 3 x^2"


def quotient_rule_example() -> str:
    return "(5 x^4 x^2 - x^5 * 2 x)/(x^2)^2"


def bernoulli_kl() -> str:
    return r"p \ln p - p \ln q + (1 - p) \ln(1 - p) - (1 - p) \ln(1 - q)"


def gcn_edge_weight() -> str:
    return "(deg_u + 1)^(-1/2) (deg_v + 1)^(-1/2)"


def gan_optimal_discriminator() -> str:
    return "1/(1 + p_g/p_data)"


def momentum_learning_rate_factor() -> str:
    return "\\frac{1}{1-\\mu}"


def largest_stable_step() -> str:
    return "2 lambda_max^(-1)"


def perceptron_update() -> str:
    return "w + d eta x"


def lstm_cell_state_gradient() -> str:
    return "1/(1 + exp(-a_f))"


def linear_rnn_bptt() -> str:
    return "(W_aa W_aa)^T delta"


def conv_output_size() -> str:
    return "(n - 1 + 2 P - D k + D)/S + 1"


def conv_parameter_count() -> str:
    return "C_out C_in k_h k_w + C_out"


def he_variance() -> str:
    """In LaTeX, with the half written as a fraction of the variance."""
    return "\\frac{M \\epsilon^2 \\lambda^2}{2}"


def momentum_constant_gradient_step() -> str:
    return "eta g/(mu - 1)"


def batch_norm_input_gradient() -> str:
    """Over one denominator, with (a_n - mu) instead of ahat_n."""
    return "(K g_m - sum_n g_n - (a_m - mu)/(sigma^2 + delta) sum_n g_n (a_n - mu))/(K sqrt(sigma^2 + delta))"


def dropout_expectation() -> str:
    """As a sum, each unit kept with probability 1 - p and dropped with probability p."""
    return "sum_j w_j ((1 - p) z_j/(1 - p) + p*0)"
