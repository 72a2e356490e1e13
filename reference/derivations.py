"""Reference answers to the derivation questions: the correct expressions, as strings.

Each function returns what a student's function must return (up to
equivalence): an expression in the plain syntax of
:mod:`grader.derivations.parser`, or for a multi-step derivation a list of
steps. The docstrings state the result and where it comes from; the
question declarations (names, domains, known mistakes) are in
``grader/catalog/derivations.py``. ``tests/test_derivations.py`` confirms
each formula independently (torch autograd, numerical derivatives,
enumeration, simulation).
"""

from __future__ import annotations


def sigmoid_derivative() -> str:
    """sigma'(z) = e^{-z} / (1 + e^{-z})^2 = sigma(z) (1 - sigma(z))  (notes 1.3.5.1)."""
    return "sigma(z)*(1 - sigma(z))"


def sigmoid_derivative_steps() -> list[str]:
    """d/dz (1 + e^{-z})^{-1}, step by step, to sigma(z)(1 - sigma(z)).

    The chain rule gives -(1 + e^{-z})^{-2} (-e^{-z}); splitting the fraction
    gives 1/(1 + e^{-z}) * e^{-z}/(1 + e^{-z}), and e^{-z}/(1 + e^{-z}) = 1 - sigma(z).
    """
    return [
        "diff((1 + exp(-z))^(-1), z)",
        "-(1 + exp(-z))^(-2)*(-exp(-z))",
        "exp(-z)/(1 + exp(-z))^2",
        "1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z))",
        "sigma(z)*(1 - sigma(z))",
    ]


def bp1_quadratic() -> str:
    """delta_j^L = dC/da_j^L = (z_j^L - y_j) sigma'(a_j^L) for C = 1/2 sum_j (y_j - z_j^L)^2 (example 2.2.5, BP1)."""
    return "(z_j - y_j)*sigma'(a_j)"


def cross_entropy_weight_gradient() -> str:
    """dC/dw_j = x_j (sigma(a) - y) for C = -[y ln z + (1 - y) ln(1 - z)], z = sigma(a) (notes 1.3.5.1).

    dC/dz = (z - y) / (z (1 - z)) and dz/da = z (1 - z) cancel; da/dw_j = x_j.
    """
    return "x_j*(sigma(a) - y)"


def softmax_log_likelihood_gradient() -> str:
    """dC/da^L = z^L - y for a softmax output z^L and C = -ln z_y^L, y the one-hot target (notes 1.3.5.1)."""
    return "z - y"


def bp2_hidden_error() -> str:
    """BP2: delta^l = ((W^{l+1})^T delta^{l+1}) (.) sigma'(a^l); shapes (n x n_next)(n_next x 1) (.) (n x 1)."""
    return "(W_next^T delta_next) (.) sigma'(a)"


def bp3_bias_gradient() -> str:
    """BP3: dC/db^l = delta^l (a column vector of size n)."""
    return "delta"


def bp4_weight_gradient() -> str:
    """BP4: dC/dW^l = delta^l (z^{l-1})^T, an outer product of shape (n, n_prev), the shape of W^l."""
    return "delta z_prev^T"


def hopfield_energy_change() -> str:
    """E' - E = 2 y_k sum_{j != k} w_kj y_j = 2 y_k v_k when unit k flips from y_k to -y_k (notes 1.4.1.3).

    With E = -1/2 sum_i sum_j w_ij y_i y_j and w symmetric, the terms with
    y_k are -y_k sum_{j != k} w_kj y_j; flipping y_k changes them by
    2 y_k sum_{j != k} w_kj y_j.
    """
    return "2*y_k*sum_{j != k} w_kj*y_j"


def rbm_hidden_probability() -> str:
    """p(h_j = 1 | v) = sigma(b_j + sum_i v_i w_ij) for E = -sum_ij v_i w_ij h_j - sum_j b_j h_j, T = 1 (notes 1.4.2.2).

    The energy gap is E(h_j = 0) - E(h_j = 1) = b_j + sum_i v_i w_ij, and
    p = e^{-E(1)} / (e^{-E(0)} + e^{-E(1)}) = sigma(energy gap).
    """
    return "sigma(b_j + sum_i v_i*w_ij)"


def he_initialisation() -> str:
    """He initialisation eps = sqrt(2 / M) for a ReLU unit with M inputs (notes 1.3.5.2)."""
    return "sqrt(2/M)"


def attention_score_variance() -> str:
    """var(q . k) = D_k for independent components of zero mean and unit variance (notes 1.12.2.3, as corrected)."""
    return "D_k"


def vae_kl() -> str:
    """KL(N(mu, sigma^2) || N(0, 1)) = 1/2 (mu^2 + sigma^2 - 1 - log sigma^2) (notes 1.9.3.2)."""
    return "1/2*(mu^2 + sigma^2 - 1 - log(sigma^2))"


def vae_kl_steps() -> list[str]:
    """From E_q[log q] - E_q[log p] (Gaussian moments substituted) to the closed form, step by step.

    E_q[log q(h)] = -1/2 log(2 pi sigma^2) - 1/2 and
    E_q[-log p(h)] = 1/2 log(2 pi) + 1/2 E_q[h^2] with E_q[h^2] = mu^2 + sigma^2.
    """
    return [
        "-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)",
        "-1/2*log(2*pi) - 1/2*log(sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)",
        "-1/2*log(sigma^2) - 1/2 + 1/2*(mu^2 + sigma^2)",
        "1/2*(mu^2 + sigma^2 - 1 - log(sigma^2))",
    ]


def chain_rule_example() -> str:
    """dz/dt = dz/dx dx/dt + dz/dy dy/dt = 2 x y^2 2t + 2 x^2 y = 6 t^5 for z = x^2 y^2, (x, y) = (t^2, t) (example 2.1.3)."""
    return "6*t^5"


def product_rule_example() -> str:
    """(x^2 x^3)' = (x^2)' x^3 + x^2 (x^3)' = 2x x^3 + x^2 3x^2 = 5 x^4, which is (x^5)' (example 2.1.2).

    The notes' intermediate line differentiates each second factor again; the
    product rule leaves it as it is, and their result, 5 x^4, is right.
    """
    return "5*x^4"


def quotient_rule_example() -> str:
    """(x^5 / x^2)' = (5x^4 x^2 - x^5 2x) / (x^2)^2 = 3x^6 / x^4 = 3 x^2, which is (x^3)' (example 2.1.2)."""
    return "3*x^2"


def bernoulli_kl() -> str:
    """KL(Ber(p) || Ber(q)) = E_{x ~ Ber(p)}[log P(x) - log Q(x)] over x = 1 (probability p) and x = 0 (1 - p) (notes 1.2.4.2)."""
    return "p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))"


def gcn_edge_weight() -> str:
    """The (u, v) entry of D~^{-1/2} (A + I) D~^{-1/2} for an edge: 1 / sqrt((deg u + 1)(deg v + 1)) (notes 1.13.5.2)."""
    return "1/sqrt((deg_u + 1)*(deg_v + 1))"


def gan_optimal_discriminator() -> str:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), the maximiser of p_data log D + p_g log(1 - D) (notes 1.10.2)."""
    return "p_data/(p_data + p_g)"


def momentum_learning_rate_factor() -> str:
    """In a flat region momentum multiplies the learning rate by 1 + mu + mu^2 + ... = 1/(1 - mu) (notes 1.3.5.3)."""
    return "1/(1 - mu)"


def largest_stable_step() -> str:
    """Gradient descent converges iff |1 - eta lambda_i| < 1 for every eigenvalue: eta < 2/lambda_max (notes 1.3.5.3)."""
    return "2/lambda_max"


def perceptron_update() -> str:
    """w' = w + eta d x for a misclassified pattern x (augmented, x_0 = 1) with target d = +-1 (notes 1.3.1.2)."""
    return "w + eta*d*x"


def lstm_cell_state_gradient() -> str:
    """C_t = f_t * C_{t-1} + i_t * C~_t with gates computed from h_{t-1} and x_t: dC_t/dC_{t-1} = f_t = sigma(a_f) (notes 1.6.2.1)."""
    return "sigma(a_f)"


def linear_rnn_bptt() -> str:
    """a^(2) = W_aa (W_aa a^(0) + W_ax x^(1)) + W_ax x^(2), so dL/da^(0) = W_aa^T W_aa^T dL/da^(2) (notes 1.6.1.1)."""
    return "W_aa^T W_aa^T delta"


def conv_output_size() -> str:
    """A filter spanning D (k - 1) + 1 pixels fits at every S-th position of the input padded by P on each side:
    (n + 2P - D (k - 1) - 1)/S + 1 positions when S divides the numerator (notes 1.5.1.3; slides: padding, stride)."""
    return "(n + 2*P - D*(k - 1) - 1)/S + 1"


def conv_parameter_count() -> str:
    """C_out filters of C_in k_h k_w weights each, and a bias each (notes 1.5.1.3: 27 weights plus a bias)."""
    return "C_out*(C_in*k_h*k_w + 1)"


def he_variance() -> str:
    """var[a_i^l] = M eps^2 E[z^2] = (M/2) eps^2 lambda^2 (notes 1.3.5.2; the notes write e^2 for eps^2).

    a_i^l = sum_{j=1}^M w_ij z_j^{l-1} adds M independent terms; with E[w] = 0,
    var[w z] = var[w] E[z^2] = eps^2 E[ReLU(a)^2], and a ReLU of a symmetric,
    zero-mean a of variance lambda^2 keeps half of it: E[z^2] = lambda^2 / 2.
    """
    return "M/2*eps^2*lambda^2"


def momentum_constant_gradient_step() -> str:
    """Delta w = -eta g + mu Delta w settles at -eta g (1 + mu + mu^2 + ...) = -eta g / (1 - mu) (notes 1.3.5.3):
    the effective learning rate is eta / (1 - mu)."""
    return "-eta*g/(1 - mu)"


def batch_norm_input_gradient() -> str:
    """dC/da_m = (g_m - 1/K sum_n g_n - ahat_m 1/K sum_n g_n ahat_n) / sqrt(sigma^2 + delta) (notes 1.3.5.4).

    With s = sqrt(sigma^2 + delta): d ahat_n/da_m = (1[n = m] - 1/K) / s - ahat_n ahat_m / (K s),
    from dmu/da_m = 1/K and d sigma^2/da_m = 2 (a_m - mu) / K; g_n = dC/dahat_n.
    """
    return "(g_m - 1/K*sum_n g_n - ahat_m/K*sum_n g_n*(a_n - mu)/sqrt(sigma2 + delta))/sqrt(sigma2 + delta)"


def dropout_expectation() -> str:
    """E[sum_j w_j m_j z_j / (1 - p)] = sum_j w_j E[m_j] z_j / (1 - p) = w^T z, m_j ~ Bernoulli(1 - p): each
    E[m_j z_j / (1 - p)] = z_j, so inverted dropout keeps the expected input of the next layer and nothing
    changes at test time (slides: dropout; torch's nn.Dropout)."""
    return "w^T z"
