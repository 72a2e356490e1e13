"""Known mistakes in the derivation exercises, each written as a student would write it.

Every function has the signature of the reference it varies and returns a
wrong answer (a string, or a list of steps). The question declarations in
``grader/catalog/derivations.py`` name them with a hint. The wrong answer
each one stands for is declared here too, in :data:`WRONG_ANSWERS` at the
end, so that the grader (which a student bundle ships) holds no wrong answer
one sign away from the right one. For single answers the declared wrong
expression is written differently from the variant, so diagnosis by
equivalence (not by string equality) is what names them
(``tests/test_derivations.py`` checks that each variant is equivalent to its
declared expression).
"""

from __future__ import annotations

# -- sigmoid_derivative ------------------------------------------------------------------


def sigmoid_derivative_lost_minus():
    """Dropped the minus of d/dz e^{-z}: -sigma(1 - sigma)."""
    return "sigma(z)^2 - sigma(z)"


def sigmoid_derivative_no_chain_rule():
    """Differentiated (1 + e^{-z})^{-1} as -(1 + e^{-z})^{-2}, without the inner derivative."""
    return "-sigma(z)*sigma(z)"


def sigmoid_derivative_tanh():
    """Used the derivative of tanh, 1 - tanh^2, with sigma in its place."""
    return "1 - sigma(z)*sigma(z)"


def sigmoid_derivative_z_in_bracket():
    """Wrote the activation form z(1 - z) with z for the weighted input."""
    return "sigma(z)(1 - z)"


# -- sigmoid_derivative_steps --------------------------------------------------------------
#
# A derivation may be returned as a list of steps or as one chain "a = b = c"; these variants
# use the chain, one step per line, as some students do.

_START = "diff((1 + exp(-z))^(-1), z)"


def _chain(*steps: str) -> str:
    return "\n= ".join(steps)


def sigmoid_derivative_steps_lost_minus():
    """The inner derivative of e^{-z} lost its minus: every later step carries the wrong sign."""
    return _chain(_START, "-(1 + exp(-z))^(-2)*exp(-z)", "-exp(-z)/(1 + exp(-z))^2", "-sigma(z)*(1 - sigma(z))")


def sigmoid_derivative_steps_skipped():
    """Only the start and the result: no derivation shown."""
    return _chain(_START, "sigma(z)*(1 - sigma(z))")


def sigmoid_derivative_steps_not_sigma():
    """A correct derivation that stops before writing the result in terms of sigma."""
    return _chain(_START, "-(1 + exp(-z))^(-2)*(-exp(-z))", "exp(-z)*(1 + exp(-z))^(-2)", "exp(-z)/(1 + exp(-z))^2")


def sigmoid_derivative_steps_broken():
    """A middle step drops the square of the denominator; the next step silently restores it."""
    return _chain(_START, "-(1 + exp(-z))^(-2)*(-exp(-z))", "exp(-z)/(1 + exp(-z))", "sigma(z)*(1 - sigma(z))")


# -- bp1_quadratic --------------------------------------------------------------------------


def bp1_quadratic_error_sign():
    """Kept y - z from the cost instead of z - y."""
    return "(y_j - z_j) sigma'(a_j)"


def bp1_quadratic_no_sigma_prime():
    """Stopped at dC/dz_j."""
    return "z_j - y_j"


def bp1_quadratic_factor_two():
    """Forgot that the 1/2 of the cost cancels the 2 of the square."""
    return "2 (z_j - y_j) sigma(a_j) (1 - sigma(a_j))"


def bp1_quadratic_sigma_prime_of_z():
    """Took sigma' at the activation instead of the weighted input."""
    return "(z_j - y_j) sigma'(z_j)"


# -- cross_entropy_weight_gradient -----------------------------------------------------------


def cross_entropy_weight_gradient_sigma_prime():
    """Multiplied by sigma'(a) as for the quadratic cost."""
    return "x_j (z - y) z (1 - z)"


def cross_entropy_weight_gradient_sign():
    """y - sigma(a) instead of sigma(a) - y."""
    return "-x_j (sigma(a) - y)"


def cross_entropy_weight_gradient_no_x():
    """Gave dC/da, without da/dw_j = x_j."""
    return "z - y"


def cross_entropy_weight_gradient_no_dz_da():
    """Gave x_j dC/dz, without dz/da."""
    return "x_j (z - y)/(z (1 - z))"


# -- softmax_log_likelihood_gradient ----------------------------------------------------------


def softmax_log_likelihood_gradient_sign():
    """y - z."""
    return "-(z - y)"


def softmax_log_likelihood_gradient_sigma_prime():
    """Kept a sigmoid-style derivative z (1 - z)."""
    return "(z - y) (.) z (.) (1 - z)"


def softmax_log_likelihood_gradient_minus_one():
    """Subtracted 1 from every entry instead of the one-hot target."""
    return "z - 1"


# -- bp2_hidden_error -----------------------------------------------------------------------------


def bp2_hidden_error_no_transpose():
    """W^{l+1} delta^{l+1} without the transpose (the shapes do not fit)."""
    return "(W_next delta_next) (.) sigma'(a)"


def bp2_hidden_error_matrix_product():
    """A matrix product where the Hadamard product belongs (two column vectors)."""
    return "(W_next^T delta_next) sigma'(a)"


def bp2_hidden_error_no_sigma_prime():
    """Stopped at (W^{l+1})^T delta^{l+1}."""
    return "transpose(W_next) delta_next"


def bp2_hidden_error_sigma_prime_of_z():
    """Took sigma' at the activation z^l."""
    return "W_next^T delta_next (.) sigma'(z)"


# -- bp3_bias_gradient ----------------------------------------------------------------------------


def bp3_bias_gradient_sigma_prime():
    """Multiplied delta by sigma'(a) once more."""
    return "sigma'(a) (.) delta"


def bp3_bias_gradient_bp4():
    """Gave the weight gradient delta (z^{l-1})^T."""
    return "delta z_prev^T"


def bp3_bias_gradient_minus():
    """Gave the descent step's direction -delta."""
    return "-delta"


# -- bp4_weight_gradient --------------------------------------------------------------------------


def bp4_weight_gradient_transposed():
    """z^{l-1} delta^T: the transpose of the gradient."""
    return "z_prev delta^T"


def bp4_weight_gradient_inner_product():
    """delta^T z^{l-1}: an inner product (the sizes do not fit)."""
    return "delta^T z_prev"


def bp4_weight_gradient_same_layer():
    """Used the activation of layer l instead of layer l - 1."""
    return "delta sigma(a)^T"


def bp4_weight_gradient_sigma_prime():
    """Multiplied delta by sigma'(a) once more."""
    return "(sigma'(a) (.) delta) z_prev^T"


# -- hopfield_energy_change -----------------------------------------------------------------------


def hopfield_energy_change_sign():
    """E - E' instead of E' - E."""
    return "-2 y_k sum_{j != k} w_kj y_j"


def hopfield_energy_change_half():
    """Kept the 1/2 of the energy."""
    return "y_k sum_j w_kj y_j"


def hopfield_energy_change_no_y():
    """Dropped y_k."""
    return "2 sum_{j != k} w_kj y_j"


# -- rbm_hidden_probability -----------------------------------------------------------------------


def rbm_hidden_probability_other_state():
    """1 - sigma of the energy gap."""
    return "sigma(-(b_j + sum_i v_i w_ij))"


def rbm_hidden_probability_no_bias():
    """Left out the hidden bias."""
    return "sigma(sum_i w_ij v_i)"


def rbm_hidden_probability_unnormalised():
    """The Boltzmann factor without its normalisation."""
    return "exp(b_j) exp(sum_i v_i w_ij)"


def rbm_hidden_probability_swapped_indices():
    """Indexed w as w_ji (rows are visible units)."""
    return "sigma(b_j + sum_i v_i*w_ji)"


# -- he_initialisation ------------------------------------------------------------------------------


def he_initialisation_xavier():
    """Xavier's 1/sqrt(M)."""
    return "M^(-1/2)"


def he_initialisation_variance():
    """The variance 2/M instead of the standard deviation."""
    return "2/M"


def he_initialisation_normalised_xavier():
    """Normalised Xavier sqrt(6)/sqrt(N + M)."""
    return "sqrt(6/(M + N))"


def he_initialisation_inverted():
    """sqrt(M/2)."""
    return "sqrt(M)/sqrt(2)"


# -- attention_score_variance -----------------------------------------------------------------------


def attention_score_variance_std():
    """The standard deviation sqrt(D_k)."""
    return "D_k^(1/2)"


def attention_score_variance_scaled():
    """The variance after dividing by sqrt(D_k)."""
    return "D_k/D_k"


def attention_score_variance_squared():
    """D_k^2."""
    return "D_k D_k"


# -- vae_kl -----------------------------------------------------------------------------------------


def vae_kl_log_sigma():
    """log sigma where log sigma^2 belongs."""
    return "(mu^2 + sigma^2 - 1 - log(sigma))/2"


def vae_kl_log_sign():
    """+log sigma^2."""
    return "(mu^2 + sigma^2 - 1)/2 + log(sigma)"


def vae_kl_no_minus_one():
    """Forgot the -1."""
    return "(mu^2 + sigma^2)/2 - log(sigma)"


def vae_kl_no_half():
    """Forgot the 1/2."""
    return "mu^2 + sigma^2 - 1 - 2 log(sigma)"


# -- vae_kl_steps -----------------------------------------------------------------------------------

_KL_START = "-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)"


def vae_kl_steps_second_moment():
    """Took E_q[h^2] as mu^2: the start is wrong, and so is the result."""
    return _chain(
        "-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*mu^2",
        "-1/2*log(sigma^2) - 1/2 + 1/2*mu^2",
        "1/2*(mu^2 - 1 - log(sigma^2))",
    )


def vae_kl_steps_log_split():
    """Split log(2 pi sigma^2) but applied the 1/2 to log(2 pi) only."""
    return _chain(
        _KL_START,
        "-1/2*log(2*pi) - log(sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)",
        "1/2*(mu^2 + sigma^2 - 1) - log(sigma^2)",
    )


def vae_kl_steps_skipped():
    """Only the start and the result."""
    return _chain(_KL_START, "1/2*(mu^2 + sigma^2 - 1 - log(sigma^2))")


# -- chain_rule_example ----------------------------------------------------------------------------


def chain_rule_example_no_inner():
    """Added the partial derivatives without dx/dt and dy/dt."""
    return "2 t^4 + 2 t^5"


def chain_rule_example_only_x():
    """Followed only the path through x."""
    return "2 x y^2 * 2 t"


def chain_rule_example_z():
    """Gave z(t) instead of its derivative."""
    return "x^2 y^2"


# -- product_rule_example ----------------------------------------------------------------------------


def product_rule_example_product_of_derivatives():
    """Multiplied the two derivatives."""
    return "2x * 3x^2"


def product_rule_example_one_term():
    """Kept only the term that differentiates x^2."""
    return "2x * x^3"


def product_rule_example_differentiated_twice():
    """Differentiated each second factor again, as the notes' intermediate line writes it."""
    return "2x (3x^2) + x^2 (6x)"


# -- quotient_rule_example ---------------------------------------------------------------------------


def quotient_rule_example_terms_swapped():
    """Wrote the numerator f g' - f' g."""
    return "(x^5 * 2x - 5x^4 * x^2)/(x^2)^2"


def quotient_rule_example_denominator_not_squared():
    """Divided by g instead of g^2."""
    return "(5x^4 x^2 - x^5 * 2x)/x^2"


def quotient_rule_example_ratio_of_derivatives():
    """Divided the numerator's derivative by the denominator's."""
    return "5x^4/(2x)"


# -- bernoulli_kl --------------------------------------------------------------------------------------


def bernoulli_kl_swapped():
    """Computed KL(Ber(q) || Ber(p))."""
    return "q log(q/p) + (1 - q) log((1 - q)/(1 - p))"


def bernoulli_kl_one_outcome():
    """Kept only the outcome x = 1."""
    return "p log(p/q)"


def bernoulli_kl_ratio_inverted():
    """Took the log of Q over P."""
    return "p log(q/p) + (1 - p) log((1 - q)/(1 - p))"


# -- gcn_edge_weight ---------------------------------------------------------------------------------


def gcn_edge_weight_no_self_loops():
    """Degrees of A instead of A + I."""
    return "1/sqrt(deg_u) * 1/sqrt(deg_v)"


def gcn_edge_weight_row():
    """The row-normalised D~^-1 A~."""
    return "(deg_u + 1)^(-1)"


def gcn_edge_weight_inverse():
    """D~^-1 on both sides."""
    return "1/(deg_u + 1) * 1/(deg_v + 1)"


# -- gan_optimal_discriminator ------------------------------------------------------------------------


def gan_optimal_discriminator_swapped():
    """The generator's share instead of the data's."""
    return "1 - p_data/(p_data + p_g)"


def gan_optimal_discriminator_ratio():
    """The density ratio."""
    return "p_data/p_g"


def gan_optimal_discriminator_half():
    """The value at the equilibrium p_g = p_data."""
    return "1/2"


# -- momentum_learning_rate_factor ---------------------------------------------------------------------


def momentum_learning_rate_factor_one_step():
    """One step of momentum: 1 + mu."""
    return "mu + 1"


def momentum_learning_rate_factor_plus():
    """1/(1 + mu)."""
    return "(1 + mu)^(-1)"


def momentum_learning_rate_factor_momentum_only():
    """The momentum's share only."""
    return "1/(1 - mu) - 1"


# -- largest_stable_step -----------------------------------------------------------------------------


def largest_stable_step_fastest():
    """The fastest step 1/lambda_max."""
    return "lambda_max^(-1)"


def largest_stable_step_min():
    """2/lambda_min."""
    return "2/lambda_min"


def largest_stable_step_inverted():
    """lambda_max/2."""
    return "lambda_max/2"


# -- perceptron_update ------------------------------------------------------------------------------


def perceptron_update_d_minus_y():
    """w + eta (d - y) x: twice the notes' step."""
    return "w + 2 eta d x"


def perceptron_update_sign():
    """w - eta d x."""
    return "w - eta d x"


def perceptron_update_increment():
    """The change only."""
    return "eta d x"


def perceptron_update_no_d():
    """Forgot the target's sign."""
    return "w + eta x"


# -- lstm_cell_state_gradient ------------------------------------------------------------------------


def lstm_cell_state_gradient_identity():
    """The cell path taken as the identity: no forget gate."""
    return "1"


def lstm_cell_state_gradient_term():
    """The forget term of C_t instead of its derivative."""
    return "sigma(a_f) c_prev"


def lstm_cell_state_gradient_gate_derivative():
    """The forget gate differentiated too, as if it depended on C_{t-1}."""
    return "sigma(a_f) + c_prev sigma(a_f) (1 - sigma(a_f))"


# -- linear_rnn_bptt -------------------------------------------------------------------------------------


def linear_rnn_bptt_no_transpose():
    """W_aa W_aa delta, without the transposes."""
    return "W_aa W_aa delta"


def linear_rnn_bptt_one_step():
    """One step back only."""
    return "W_aa^T delta"


def linear_rnn_bptt_power_rule():
    """d(W^2 a)/da taken as 2 W."""
    return "2 W_aa^T delta"


def linear_rnn_bptt_input():
    """The gradient of x^(1) instead of a^(0)."""
    return "W_ax^T W_aa^T delta"


# -- conv_output_size ----------------------------------------------------------------------------------


def conv_output_size_padding_outside_stride():
    """The padding added after the division by the stride."""
    return "(n - D (k - 1) - 1)/S + 1 + 2 P"


def conv_output_size_one_side_padding():
    """The padding counted on one side only."""
    return "(n + P - D (k - 1) - 1)/S + 1"


def conv_output_size_dilation_ignored():
    """The filter's span taken as k whatever the dilation."""
    return "(n + 2 P - k)/S + 1"


def conv_output_size_no_first_position():
    """The positions counted as the steps between them: the + 1 forgotten."""
    return "(n + 2 P - D (k - 1) - 1)/S"


# -- conv_parameter_count --------------------------------------------------------------------------------


def conv_parameter_count_bias_per_input_channel():
    """A bias for every (output, input) channel pair."""
    return "C_out C_in (k_h k_w + 1)"


def conv_parameter_count_input_channels_forgotten():
    """Each filter taken as one k_h x k_w plane."""
    return "C_out (k_h k_w + 1)"


def conv_parameter_count_one_bias():
    """One bias for the whole layer."""
    return "C_out C_in k_h k_w + 1"


# -- he_variance -------------------------------------------------------------------------------


def he_variance_no_half():
    """E[z^2] taken as lambda^2: M eps^2 lambda^2."""
    return "M*(eps*lambda)^2"


def he_variance_one_term():
    """One term of the sum: eps^2 lambda^2 / 2."""
    return "(eps lambda)^2/2"


def he_variance_std():
    """The standard deviation sqrt(M/2) eps lambda."""
    return "eps*lambda*sqrt(M)/sqrt(2)"


def he_variance_euler_e():
    """The notes' e^2 copied, read as Euler's number."""
    return "M e^2 lambda^2/2"


def he_variance_eps_not_squared():
    """var[w] taken as eps."""
    return "M*eps*lambda^2/2"


# -- momentum_constant_gradient_step -------------------------------------------------------------


def momentum_constant_gradient_step_sign():
    """The step along the gradient."""
    return "eta*g/(1 - mu)"


def momentum_constant_gradient_step_one_step():
    """One step of momentum: -eta g (1 + mu)."""
    return "-eta*g - mu*eta*g"


def momentum_constant_gradient_step_plus():
    """-eta g / (1 + mu)."""
    return "-eta*g*(1 + mu)^(-1)"


def momentum_constant_gradient_step_momentum_only():
    """The earlier steps' share only."""
    return "-eta*g/(1 - mu) + eta*g"


def momentum_constant_gradient_step_no_momentum():
    """Plain gradient descent."""
    return "-g*eta"


# -- batch_norm_input_gradient -------------------------------------------------------------------


def batch_norm_input_gradient_constant_statistics():
    """mu and sigma^2 treated as constants: g_m / sqrt(sigma^2 + delta)."""
    return "g_m*(sigma2 + delta)^(-1/2)"


def batch_norm_input_gradient_no_variance_path():
    """The path through sigma^2 left out."""
    return "g_m/sqrt(sigma2 + delta) - 1/K*sum_n g_n/sqrt(sigma2 + delta)"


def batch_norm_input_gradient_no_mean_path():
    """The path through mu left out."""
    return "(g_m - (a_m - mu)/(K*(sigma2 + delta))*sum_n g_n*(a_n - mu))/sqrt(sigma2 + delta)"


def batch_norm_input_gradient_no_one_over_k():
    """dmu/da_m taken as 1: the 1/K of both statistics' paths left out."""
    return "(g_m - sum_n g_n - (a_m - mu)/(sigma2 + delta)*sum_n g_n*(a_n - mu))/sqrt(sigma2 + delta)"


# -- dropout_expectation -------------------------------------------------------------------------


def dropout_expectation_p_as_keep():
    """E[m_j] taken as p: p w^T z / (1 - p)."""
    return "sum_j w_j z_j p/(1 - p)"


def dropout_expectation_no_mask():
    """The masks' expectation left out: w^T z / (1 - p)."""
    return "(w^T z)*(1 - p)^(-1)"


def dropout_expectation_no_division():
    """E[sum_j w_j m_j z_j]: the inverted scaling left out."""
    return "w^T z - p w^T z"


# -- the declared wrong answers -----------------------------------------------------------------

#: The wrong answer each variant stands for, by variant name, as the question declares it: for a
#: multi-step question the wrong final step. The grader names a student's answer after the one it is
#: equivalent to; the student bundle ships only their values at the recorded points, never these texts.
WRONG_ANSWERS: dict[str, str] = {
    "sigmoid_derivative_lost_minus": "-sigma(z)*(1 - sigma(z))",
    "sigmoid_derivative_no_chain_rule": "-sigma(z)^2",
    "sigmoid_derivative_tanh": "1 - sigma(z)^2",
    "sigmoid_derivative_z_in_bracket": "sigma(z)*(1 - z)",
    "sigmoid_derivative_steps_lost_minus": "-sigma(z)*(1 - sigma(z))",
    "bp1_quadratic_error_sign": "(y_j - z_j)*sigma'(a_j)",
    "bp1_quadratic_no_sigma_prime": "z_j - y_j",
    "bp1_quadratic_factor_two": "2*(z_j - y_j)*sigma'(a_j)",
    "bp1_quadratic_sigma_prime_of_z": "(z_j - y_j)*sigma'(z_j)",
    "cross_entropy_weight_gradient_sigma_prime": "x_j*(sigma(a) - y)*sigma'(a)",
    "cross_entropy_weight_gradient_sign": "x_j*(y - sigma(a))",
    "cross_entropy_weight_gradient_no_x": "sigma(a) - y",
    "cross_entropy_weight_gradient_no_dz_da": "x_j*(sigma(a) - y)/(sigma(a)*(1 - sigma(a)))",
    "softmax_log_likelihood_gradient_sign": "y - z",
    "softmax_log_likelihood_gradient_sigma_prime": "z (.) (1 - z) (.) (z - y)",
    "softmax_log_likelihood_gradient_minus_one": "z - 1",
    "bp2_hidden_error_no_transpose": "(W_next delta_next) (.) sigma'(a)",
    "bp2_hidden_error_matrix_product": "(W_next^T delta_next) sigma'(a)",
    "bp2_hidden_error_no_sigma_prime": "W_next^T delta_next",
    "bp2_hidden_error_sigma_prime_of_z": "(W_next^T delta_next) (.) sigma'(z)",
    "bp3_bias_gradient_sigma_prime": "delta (.) sigma'(a)",
    "bp3_bias_gradient_bp4": "delta z_prev^T",
    "bp3_bias_gradient_minus": "-delta",
    "bp4_weight_gradient_transposed": "z_prev delta^T",
    "bp4_weight_gradient_inner_product": "delta^T z_prev",
    "bp4_weight_gradient_same_layer": "delta z^T",
    "bp4_weight_gradient_sigma_prime": "(delta (.) sigma'(a)) z_prev^T",
    "hopfield_energy_change_sign": "-2*y_k*v_k",
    "hopfield_energy_change_half": "y_k*v_k",
    "hopfield_energy_change_no_y": "2*v_k",
    "rbm_hidden_probability_other_state": "1 - sigma(b_j + sum_i v_i*w_ij)",
    "rbm_hidden_probability_no_bias": "sigma(sum_i v_i*w_ij)",
    "rbm_hidden_probability_unnormalised": "exp(b_j + sum_i v_i*w_ij)",
    "rbm_hidden_probability_swapped_indices": "sigma(b_j + sum_i v_i*w_ji)",
    "he_initialisation_xavier": "1/sqrt(M)",
    "he_initialisation_variance": "2/M",
    "he_initialisation_normalised_xavier": "sqrt(6)/sqrt(N + M)",
    "he_initialisation_inverted": "sqrt(M/2)",
    "attention_score_variance_std": "sqrt(D_k)",
    "attention_score_variance_scaled": "1",
    "attention_score_variance_squared": "D_k^2",
    "vae_kl_log_sigma": "1/2*(mu^2 + sigma^2 - 1 - log(sigma))",
    "vae_kl_log_sign": "1/2*(mu^2 + sigma^2 - 1 + log(sigma^2))",
    "vae_kl_no_minus_one": "1/2*(mu^2 + sigma^2 - log(sigma^2))",
    "vae_kl_no_half": "mu^2 + sigma^2 - 1 - log(sigma^2)",
    "vae_kl_steps_second_moment": "1/2*(mu^2 - 1 - log(sigma^2))",
    "vae_kl_steps_log_split": "1/2*(mu^2 + sigma^2 - 1) - log(sigma^2)",
    "chain_rule_example_no_inner": "2*x*y^2 + 2*x^2*y",
    "chain_rule_example_only_x": "4*t^5",
    "chain_rule_example_z": "t^6",
    "product_rule_example_product_of_derivatives": "6 x^3",
    "product_rule_example_one_term": "2 x^4",
    "product_rule_example_differentiated_twice": "12 x^3",
    "quotient_rule_example_terms_swapped": "-3 x^2",
    "quotient_rule_example_denominator_not_squared": "3 x^4",
    "quotient_rule_example_ratio_of_derivatives": "5/2 x^3",
    "bernoulli_kl_swapped": "q*(log(q) - log(p)) + (1 - q)*(log(1 - q) - log(1 - p))",
    "bernoulli_kl_one_outcome": "p*(log(p) - log(q))",
    "bernoulli_kl_ratio_inverted": "-p*log(p/q) - (1 - p)*log((1 - p)/(1 - q))",
    "gcn_edge_weight_no_self_loops": "1/sqrt(deg_u*deg_v)",
    "gcn_edge_weight_row": "1/(deg_u + 1)",
    "gcn_edge_weight_inverse": "1/((deg_u + 1)*(deg_v + 1))",
    "gan_optimal_discriminator_swapped": "p_g/(p_data + p_g)",
    "gan_optimal_discriminator_ratio": "p_data/p_g",
    "gan_optimal_discriminator_half": "1/2",
    "momentum_learning_rate_factor_one_step": "1 + mu",
    "momentum_learning_rate_factor_plus": "1/(1 + mu)",
    "momentum_learning_rate_factor_momentum_only": "mu/(1 - mu)",
    "largest_stable_step_fastest": "1/lambda_max",
    "largest_stable_step_min": "2/lambda_min",
    "largest_stable_step_inverted": "lambda_max/2",
    "perceptron_update_d_minus_y": "w + eta*(d - y)*x",
    "perceptron_update_sign": "w - eta*d*x",
    "perceptron_update_increment": "eta*d*x",
    "perceptron_update_no_d": "w + eta*x",
    "lstm_cell_state_gradient_identity": "1",
    "lstm_cell_state_gradient_term": "sigma(a_f)*c_prev",
    "lstm_cell_state_gradient_gate_derivative": "sigma(a_f) + c_prev*sigma(a_f)*(1 - sigma(a_f))",
    "linear_rnn_bptt_no_transpose": "W_aa W_aa delta",
    "linear_rnn_bptt_one_step": "W_aa^T delta",
    "linear_rnn_bptt_power_rule": "2 W_aa^T delta",
    "linear_rnn_bptt_input": "W_ax^T W_aa^T delta",
    "conv_output_size_padding_outside_stride": "(n - D*(k - 1) - 1)/S + 1 + 2*P",
    "conv_output_size_one_side_padding": "(n + P - D*(k - 1) - 1)/S + 1",
    "conv_output_size_dilation_ignored": "(n + 2*P - k)/S + 1",
    "conv_output_size_no_first_position": "(n + 2*P - D*(k - 1) - 1)/S",
    "conv_parameter_count_bias_per_input_channel": "C_out*C_in*(k_h*k_w + 1)",
    "conv_parameter_count_input_channels_forgotten": "C_out*(k_h*k_w + 1)",
    "conv_parameter_count_one_bias": "C_out*C_in*k_h*k_w + 1",
    "he_variance_no_half": "M*eps^2*lambda^2",
    "he_variance_one_term": "eps^2*lambda^2/2",
    "he_variance_std": "sqrt(M/2)*eps*lambda",
    "he_variance_euler_e": "M/2*e^2*lambda^2",
    "he_variance_eps_not_squared": "M/2*eps*lambda^2",
    "momentum_constant_gradient_step_sign": "eta*g/(1 - mu)",
    "momentum_constant_gradient_step_one_step": "-eta*g*(1 + mu)",
    "momentum_constant_gradient_step_plus": "-eta*g/(1 + mu)",
    "momentum_constant_gradient_step_momentum_only": "-eta*mu*g/(1 - mu)",
    "momentum_constant_gradient_step_no_momentum": "-eta*g",
    "batch_norm_input_gradient_constant_statistics": "g_m/sqrt(sigma2 + delta)",
    "batch_norm_input_gradient_no_variance_path": "(g_m - 1/K*sum_n g_n)/sqrt(sigma2 + delta)",
    "batch_norm_input_gradient_no_mean_path": "(g_m - ahat_m/K*sum_n g_n*(a_n - mu)/sqrt(sigma2 + delta))/sqrt(sigma2 + delta)",
    "batch_norm_input_gradient_no_one_over_k": "(g_m - sum_n g_n - ahat_m*sum_n g_n*(a_n - mu)/sqrt(sigma2 + delta))/sqrt(sigma2 + delta)",
    "dropout_expectation_p_as_keep": "p*(w^T z)/(1 - p)",
    "dropout_expectation_no_mask": "(w^T z)/(1 - p)",
    "dropout_expectation_no_division": "(1 - p)*(w^T z)",
}
