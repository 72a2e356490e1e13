"""Derivations (course notes 1.3-1.13, worked examples 2.1.3, 2.2.2, 2.2.5, 2.3.1, 2.3.2).

Each function here returns the answer to a derivation question as an
expression in a string -- or, for a step-by-step derivation, a list of
strings -- not as code. nngrade reads the string (it never runs it), shows
you how it was read, and checks it with sympy and at random points (so no
answer here is computed in float32 or float64: there is no arithmetic to do).

How to write an answer:

- plain maths: ``+ - * /``, powers with ``^`` or ``**``, brackets ``( )``;
  multiplication may be implicit: ``2x``, ``x y``, ``sigma(x)(1 + y)``;
  ``1/2x`` is read as ``(1/2) x``, so write ``1/(2x)`` when you mean that;
- only the names each function's docstring lists; names are never split,
  so ``xy`` is one name (an error), ``x y`` or ``x*y`` a product;
- functions: ``sigma`` (the sigmoid), ``sigma'`` (its derivative), ``exp``,
  ``log`` (natural; ``ln`` too), ``sqrt``, ``tanh`` -- where the docstring
  allows them; the constants ``pi`` and ``e``;
- exact numbers: write ``1/2``, not ``0.5`` (decimals are rejected);
- vectors are columns; ``^T`` transposes (``W^T``); a product of two vectors
  or matrices is the matrix product; ``(.)`` (or ``.*``, ``⊙``) is the
  elementwise (Hadamard) product and binds less tightly than the matrix
  product: ``A^T u (.) v`` is ``(A^T u) (.) v``;
- entries and sums: ``w_kj`` (or ``w[k, j]``) is entry (k, j) of a matrix
  ``w``; ``sum_j w_kj y_j`` sums over every j, ``sum_{j != k} ...`` over
  every j but k; the sum covers the product right after it;
- LaTeX is accepted instead: ``\\sigma(x)\\left(1 + y\\right)``,
  ``\\frac{1}{2}``, ``W^\\top``, ``\\odot``, ``\\sum_{j \\neq k}``
  (write the string as a raw string, ``r"..."``, or double the backslashes);
- a name with a subscript of several letters (``p_data``, ``deg_u``) may be
  written in LaTeX as ``p_{data}``, ``p_{\\text{data}}``, ``p_{\\mathrm{data}}``
  or ``p_{\\operatorname{data}}``, and ``\\mathrm{deg}_u``; ``\\text{...}``
  holds one word, and only in a subscript (elsewhere it is rejected: a name
  is written as it is, or with ``\\mathrm{...}``);
- a step-by-step derivation is a list of steps; each step is an expression,
  or a chain ``a = b = c``; each must equal the step before it.

Conventions follow the notes: the weighted input of layer l is
``a^l = W^l z^{l-1} + b^l`` and its activation ``z^l = sigma(a^l)``; the
error is ``delta^l = dC/da^l``; ``W^l`` has shape ``(n_l, n_{l-1})``.

Replace each ``raise NotImplementedError`` with ``return "..."`` and run
``pytest`` in this folder (or ``nngrade check derivations``).
"""


def sigmoid_derivative() -> str:
    """Return the derivative of the sigmoid, ``d sigma / dz``, written in terms of sigma.

    Time budget: 2 s of CPU per call (the course default).

    ``sigma(z) = 1 / (1 + e^{-z})`` (notes 1.3.5.1). Names: ``z``. Functions:
    ``sigma``, and ``exp``, ``log``, ``sqrt``, ``tanh``, ``cosh`` -- but the
    answer must use ``sigma`` and not ``exp``.
    """
    return "sigma(z)*(1 - sigma(z))"


def sigmoid_derivative_steps() -> list[str]:
    """Return the derivation of ``d sigma / dz`` as a list of steps, from the definition to sigma.

    Time budget: 2 s of CPU per call (the course default).

    Start with the derivative of the definition, written
    ``diff((1 + exp(-z))^(-1), z)`` (or ``\\frac{d}{dz}\\left(\\frac{1}{1 + e^{-z}}\\right)``);
    end with the result in terms of ``sigma`` (no ``exp`` in the last step);
    show at least 4 steps in all, each equal to the one before it. Names: ``z``.
    Functions: ``sigma``, ``exp``, ``log``, ``diff(expression, z)``.
    """
    return [
        "diff((1 + exp(-z))^(-1), z)",
        "-(1 + exp(-z))^(-2) * (-exp(-z))",
        "exp(-z)/(1 + exp(-z))^2",
        "1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z))",
        "sigma(z)*(1 - sigma(z))",
    ]


def bp1_quadratic() -> str:
    """Return BP1 for the quadratic cost: the output error ``delta_j^L = dC/da_j^L``.

    Time budget: 2 s of CPU per call (the course default).

    The cost of one example is ``C = 1/2 sum_j (y_j - z_j^L)^2`` with
    ``z_j^L = sigma(a_j^L)`` (example 2.2.5). Names (the layer index L may be left
    out): ``a_j`` (the weighted input ``a_j^L``), ``z_j`` (the activation
    ``z_j^L = sigma(a_j)``), ``y_j`` (the desired output). Functions: ``sigma``,
    ``sigma'``, ``exp``.
    """
    return "(z_j - y_j) * sigma'(a_j)"


def cross_entropy_weight_gradient() -> str:
    """Return ``dC/dw_j`` for one sigmoid neuron with the cross-entropy cost (one example).

    Time budget: 2 s of CPU per call (the course default).

    The neuron computes ``a = sum_j w_j x_j + b`` and ``z = sigma(a)``; the cost is
    ``C = -[y ln z + (1 - y) ln(1 - z)]`` (notes 1.3.5.1). Names: ``x_j``, ``a``,
    ``z`` (which is ``sigma(a)``), ``y``. Functions: ``sigma``, ``sigma'``,
    ``exp``, ``log``.
    """
    return "x_j * (sigma(a) - y)"


def softmax_log_likelihood_gradient() -> str:
    """Return ``dC/da^L``, a column vector, for a softmax output layer and the log-likelihood cost.

    Time budget: 2 s of CPU per call (the course default).

    ``z^L = softmax(a^L)`` and ``C = -ln z_y^L`` where ``y`` is the correct class
    (notes 1.3.5.1). Names: ``z`` (the softmax output ``z^L``, a vector of size n)
    and ``y`` (the one-hot vector of the correct class, size n). Functions:
    ``exp``, ``log``.
    """
    return "z - y"


def bp2_hidden_error() -> str:
    """Return BP2: the error ``delta^l`` of a hidden layer, in matrix form.

    Time budget: 2 s of CPU per call (the course default).

    Names: ``W_next`` (``W^{l+1}``, shape ``(n_{l+1}, n_l)``), ``delta_next``
    (``delta^{l+1}``, size ``n_{l+1}``), ``a`` (``a^l``, size ``n_l``) and ``z``
    (``z^l = sigma(a)``); ``W^{l+1}``, ``delta^{l+1}``, ``a^l`` and ``z^l`` are
    accepted too. Functions: ``sigma``, ``sigma'``, ``exp``. Use ``^T`` and the
    Hadamard product ``(.)`` (notes 1.3.4.2).
    """
    return "(W_next^T delta_next) (.) sigma'(a)"


def bp3_bias_gradient() -> str:
    """Return BP3: ``dC/db^l``, the gradient of the cost with respect to the biases of layer l.

    Time budget: 2 s of CPU per call (the course default).

    Names: ``delta`` (``delta^l``, size ``n_l``), ``a`` (``a^l``), ``z_prev``
    (``z^{l-1}``, size ``n_{l-1}``). Functions: ``sigma``, ``sigma'``, ``exp``.
    """
    return "delta"


def bp4_weight_gradient() -> str:
    """Return BP4 in matrix form: ``dC/dW^l``, which has the shape of ``W^l``, ``(n_l, n_{l-1})``.

    Time budget: 2 s of CPU per call (the course default).

    Names: ``delta`` (``delta^l``, size ``n_l``), ``z_prev`` (``z^{l-1}``, size
    ``n_{l-1}``), ``a`` (``a^l``) and ``z`` (``z^l = sigma(a)``). Functions:
    ``sigma``, ``sigma'``, ``exp``. Use ``^T`` for a transpose.
    """
    return "delta z_prev^T"


def hopfield_energy_change() -> str:
    """Return ``E' - E``, the change of a Hopfield network's energy when unit k flips.

    Time budget: 2 s of CPU per call (the course default).

    ``E = -1/2 sum_i sum_j w_ij y_i y_j`` with ``w`` symmetric and ``w_ii = 0``
    (notes 1.4.1.3); unit k flips from ``y_k`` to ``y_k' = -y_k``, the other units
    keep their states. Names: ``w`` (an N x N matrix, entries ``w_ij``), ``y`` (the
    states before the flip, +1 or -1, entries ``y_j``), the fixed index ``k``, the
    summation indices ``i`` and ``j``, and ``v_k`` (the net input
    ``sum_{j != k} w_kj y_j``). No functions are needed.
    """
    return "2 * y_k * sum_{j != k} w_kj * y_j"


def rbm_hidden_probability() -> str:
    """Return ``p(h_j = 1 | v)`` for a restricted Boltzmann machine at temperature T = 1.

    Time budget: 2 s of CPU per call (the course default).

    The energy is ``E(v, h) = -sum_i sum_j v_i w_ij h_j - sum_j b_j h_j``
    (notes 1.4.2.2; example 2.3.2 has no biases). Names: ``v`` (visible states,
    entries ``v_i``), ``w`` (``w_ij`` between visible i and hidden j), ``b``
    (hidden biases, ``b_j``), the fixed index ``j`` and the summation index
    ``i``. Functions: ``sigma``, ``exp``, ``log``.
    """
    return "sigma(b_j + sum_i v_i w_ij)"


def he_initialisation() -> str:
    """Return He's initialisation scale ``eps`` for a ReLU unit with M inputs.

    Time budget: 2 s of CPU per call (the course default).

    Weights are drawn from ``N(0, eps^2)`` so that the variance of the
    activations stays the same from layer to layer (notes 1.3.5.2). Names: ``M``
    (inputs of the unit), ``N`` (units in the layer). Functions: ``sqrt``,
    ``log``, ``exp``.
    """
    return "sqrt(2/M)"


def attention_score_variance() -> str:
    """Return the variance of the attention score ``q . k``.

    Time budget: 2 s of CPU per call (the course default).

    ``q`` and ``k`` have ``D_k`` components, all independent with mean 0 and
    variance 1 (notes 1.12.2.3). Names: ``D_k``. Functions: ``sqrt``, ``log``,
    ``exp``.
    """
    return "D_k"


def vae_kl() -> str:
    """Return ``KL(N(mu, sigma^2) || N(0, 1))`` in closed form (one latent dimension).

    Time budget: 2 s of CPU per call (the course default).

    Here ``sigma`` is the standard deviation (a positive name), not the sigmoid
    (notes 1.9.3.2). Names: ``mu``, ``sigma``. Functions: ``log`` (or ``ln``),
    ``exp``, ``sqrt``.
    """
    return "1/2 * (mu^2 + sigma^2 - 1 - log(sigma^2))"


def vae_kl_steps() -> list[str]:
    """Return the derivation of ``KL(N(mu, sigma^2) || N(0, 1))`` as a list of steps.

    Time budget: 2 s of CPU per call (the course default).

    Start from ``E_q[log q(h)] - E_q[log p(h)]`` with the Gaussian moments
    already substituted:
    ``-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)``
    and simplify to the closed form, in at least 3 steps, each equal to the one
    before it. Names: ``mu``, ``sigma`` (the standard deviation). Functions:
    ``log`` (or ``ln``), ``exp``, ``sqrt``.
    """
    return [
        "-1/2*log(2*pi*sigma^2) - 1/2 + 1/2*log(2*pi) + 1/2*(mu^2 + sigma^2)",
        "-1/2*log(sigma^2) - 1/2 + 1/2*(mu^2 + sigma^2)",
        "1/2*(mu^2 + sigma^2 - 1 - log(sigma^2))",
    ]


def chain_rule_example() -> str:
    """Return ``dz/dt`` for ``z = x^2 y^2`` with ``(x, y) = (t^2, t)`` (example 2.1.3).

    Time budget: 2 s of CPU per call (the course default).

    Names: ``t``, and ``x`` (which is ``t^2``) and ``y`` (which is ``t``) if you
    want them. Functions: ``exp``, ``log``, ``sqrt``.
    """
    return "2*x*y^2 * 2*t + 2*x^2*y * 1"


def product_rule_example() -> str:
    """Return the derivative ``d/dx (x^2 x^3)`` by the product rule (example 2.1.2).

    Time budget: 2 s of CPU per call (the course default).

    The product rule: ``(g h)' = g' h + g h'`` (notes 1.2.2.1). Names: ``x``.
    Functions: ``exp``, ``log``, ``sqrt``.
    """
    return "2x x^3 + x^2 (3x^2)"


def quotient_rule_example() -> str:
    """Return the derivative ``d/dx (x^5 / x^2)`` by the quotient rule (example 2.1.2).

    Time budget: 2 s of CPU per call (the course default).

    The quotient rule: ``(f / g)' = (f' g - f g') / g^2`` (notes 1.2.2.1).
    Names: ``x`` (x > 0). Functions: ``exp``, ``log``, ``sqrt``.
    """
    return "(5x^4 x^2 - x^5 * 2x)/(x^2)^2"


def bernoulli_kl() -> str:
    """Return ``KL(Ber(p) || Ber(q))``, the KL divergence of two Bernoulli distributions, in closed form.

    Time budget: 2 s of CPU per call (the course default).

    ``KL(P || Q) = E_{x ~ P}[log P(x) - log Q(x)]`` (notes 1.2.4.2), natural
    logarithms (nats); Ber(p) gives 1 with probability p and 0 with
    probability 1 - p. Names: ``p`` and ``q``, both in (0, 1). Functions:
    ``log`` (or ``ln``), ``exp``, ``sqrt``.
    """
    return "p (log p - log q) + (1 - p)(log(1 - p) - log(1 - q))"

def gcn_edge_weight() -> str:
    """Return the normalised weight of an edge (u, v) in a GCN layer.

    Time budget: 2 s of CPU per call (the course default).

    The GCN uses ``D~^(-1/2) (A + I) D~^(-1/2)``, where ``D~`` is the degree
    matrix of ``A + I`` (notes 1.13.5.2). Give the entry (u, v) for an edge
    between u and v. Names: ``deg_u`` and ``deg_v``, the degrees of u and v in
    ``A`` (without self-loops). Functions: ``sqrt``, ``log``, ``exp``.
    """
    return "1/sqrt((deg_u + 1)*(deg_v + 1))"


def gan_optimal_discriminator() -> str:
    """Return the optimal discriminator ``D*(x)`` for a fixed generator.

    Time budget: 2 s of CPU per call (the course default).

    The discriminator maximises ``E_{x ~ p_data}[log D(x)] + E_{x ~ p_g}[log(1 - D(x))]``
    (notes 1.10.2); at each x it maximises ``p_data log D + p_g log(1 - D)``. Names:
    ``p_data`` and ``p_g``, the two densities at x. Functions: ``log``, ``exp``,
    ``sqrt``.
    """
    return "p_data/(p_data + p_g)"


def momentum_learning_rate_factor() -> str:
    """Return the factor by which momentum multiplies the learning rate in a flat region.

    Time budget: 2 s of CPU per call (the course default).

    The update is ``Delta w(t) = -eta grad E + mu Delta w(t-1)`` (notes 1.3.5.3);
    in a region where the gradient is constant, the steps grow to a constant
    size. Give that size divided by ``eta |grad E|``. Names: ``mu`` (0 < mu < 1).
    Functions: ``log``, ``exp``, ``sqrt``.
    """
    return "1/(1 - mu)"


def largest_stable_step() -> str:
    """Return the largest learning rate for which gradient descent converges on a quadratic.

    Time budget: 2 s of CPU per call (the course default).

    The Hessian's eigenvalues lie between ``lambda_min`` and ``lambda_max``, both
    positive; each component evolves as ``(1 - eta lambda_i)^T`` (notes 1.3.5.3).
    Give the bound ``eta`` must stay below. Names: ``lambda_max``, ``lambda_min``.
    Functions: ``sqrt``, ``log``, ``exp``.
    """
    return "2/lambda_max"


def perceptron_update() -> str:
    """Return the perceptron's new weights ``w'`` after a misclassified pattern.

    Time budget: 2 s of CPU per call (the course default).

    ``x`` is the augmented pattern ``[1, x_1, ..., x_p]`` (bias input first),
    ``d`` its target (+1 or -1) and ``eta`` the learning rate; the perceptron's
    output on it was ``y = -d`` (notes 1.3.1.2, example 2.2.2). Names: ``w``,
    ``x`` (column vectors), ``d``, ``eta``, ``y``. No functions are needed.
    """
    return "w + eta * d * x"


def lstm_cell_state_gradient() -> str:
    """Return ``dC_t/dC_{t-1}`` through one LSTM step, for one unit (entry by entry).

    Time budget: 2 s of CPU per call (the course default).

    ``C_t = f_t * C_{t-1} + i_t * C~_t`` (notes 1.6.2.1), where the gates
    ``f_t``, ``i_t`` and the candidate ``C~_t`` are computed from ``h_{t-1}``
    and ``x_t`` only (no peephole connections); ``h_{t-1}`` and ``x_t`` are
    held fixed. Names: ``a_f`` (the forget gate's weighted input
    ``W_f [h_{t-1}, x_t] + b_f``, whose sigmoid is ``f_t``), ``i`` (``i_t``),
    ``g`` (``C~_t``), ``c_prev`` (``C_{t-1}``). Functions: ``sigma``,
    ``tanh``, ``exp``. In worked example 2.4.1, ``a_f = -8``.
    """
    return "1/(1 + exp(-a_f))"


def linear_rnn_bptt() -> str:
    """Return ``dL/da^(0)`` for a linear RNN run for two steps, by backpropagation through time.

    Time budget: 2 s of CPU per call (the course default).

    ``a^(t) = W_aa a^(t-1) + W_ax x^(t)`` for t = 1, 2 (the notes' RNN with
    the identity for g, notes 1.6.1), and the loss L depends on a^(2) only,
    with ``delta = dL/da^(2)``. Write the gradient as a product of matrices
    and ``delta``, with ``^T`` for a transpose. Names: ``W_aa`` (n x n),
    ``W_ax`` (n x m), ``delta`` (a column vector of size n). Functions: ``exp``.
    """
    return "transpose(W_aa) transpose(W_aa) delta"


def conv_output_size() -> str:
    """Return the number of positions of a convolution's filter along one direction (height or width).

    Time budget: 2 s of CPU per call (the course default).

    The input has ``n`` pixels along that direction, with ``P`` zeros added
    on EACH side; the filter has ``k`` taps spaced ``D`` pixels apart (the
    dilation; D = 1 for adjacent taps) and moves ``S`` pixels at a time (the
    stride), always lying wholly inside the padded input (notes 1.5.1.3).
    Take S to divide the distance the filter can travel, so no floor is
    needed. Names: ``n``, ``k``, ``P``, ``S``, ``D``. Functions: ``sqrt``,
    ``exp``.
    """
    return "(n + 2 P - D (k - 1) - 1)/S + 1"


def conv_parameter_count() -> str:
    """Return the number of trainable parameters of a convolutional layer with a bias.

    Time budget: 2 s of CPU per call (the course default).

    The layer maps ``C_in`` input channels to ``C_out`` output channels (feature
    maps) with filters of ``k_h`` by ``k_w`` pixels, as ``nn.Conv2d(C_in,
    C_out, (k_h, k_w))`` does (notes 1.5.1.3, filters). Names: ``C_in``,
    ``C_out``, ``k_h``, ``k_w``. Functions: ``sqrt``, ``exp``.
    """
    return "C_out (C_in k_h k_w + 1)"


def he_variance() -> str:
    """Return the variance of a unit's weighted input in a ReLU network, He's argument for his initialisation.

    Time budget: 2 s of CPU per call (the course default).

    Unit i of layer l has ``a_i^l = sum_{j=1}^M w_ij z_j^{l-1}`` with
    ``z_j^{l-1} = ReLU(a_j^{l-1})`` (notes 1.3.5.2). The weights are
    independent, ``w_ij ~ N(0, eps^2)``, and independent of the inputs; the
    previous layer's weighted inputs ``a_j^{l-1}`` are independent, symmetric
    about 0, with mean 0 and variance ``lambda^2``. Give ``var[a_i^l]``
    (the notes call it var[z], and print their result with a slip: read their
    ``e`` as eps). Names: ``M``, ``eps`` (or ``epsilon``), ``lambda``.
    Functions: ``sqrt``, ``log``, ``exp``.
    """
    return 'M/2*eps^2*lambda^2'


def momentum_constant_gradient_step() -> str:
    """Return the step that gradient descent with momentum settles to when the gradient stays the same.

    Time budget: 2 s of CPU per call (the course default).

    The update is the notes' ``Delta w(tau) = -eta g + mu Delta w(tau - 1)``
    with ``Delta w = 0`` before the first step (notes 1.3.5.3), and the
    gradient is the same number ``g`` at every step (one component of grad E,
    in a region of low curvature). Give the limit of ``Delta w(tau)`` as tau
    grows: ``Delta w = -eta_eff g`` defines momentum's effective learning
    rate. Names: ``eta`` (> 0), ``mu`` (0 < mu < 1), ``g``. Functions:
    ``log``, ``exp``, ``sqrt``.
    """
    return '-eta*g/(1 - mu)'


def batch_norm_input_gradient() -> str:
    """Return the gradient of the cost with respect to a pre-activation through batch normalisation.

    Time budget: 2 s of CPU per call (the course default).

    One unit, a mini-batch of K examples (notes 1.3.5.4, with the unit's
    index i left out): ``mu = 1/K sum_n a_n``,
    ``sigma^2 = 1/K sum_n (a_n - mu)^2`` (the biased variance),
    ``ahat_n = (a_n - mu) / sqrt(sigma^2 + delta)``. The cost depends on the
    a_n only through the normalised outputs, and ``g_n = dC/dahat_n`` is
    given. Give ``dC/da_m`` for the example m: mu and sigma^2 depend on a_m
    too. Names: ``a`` and ``g`` (vectors over the batch: write their entries
    ``a_n``, ``g_m``), ``delta``, and the defined names ``K`` (the batch
    size), ``mu``, ``sigma2`` (or ``sigma^2``), ``ahat_m``; the index ``m``;
    sums ``sum_n ...`` over the batch (``ahat_n`` is not a name: inside a sum
    write ``(a_n - mu)/sqrt(sigma2 + delta)``; LaTeX's ``\\hat{a}_m`` reads as
    ``a_m``, so write ``ahat_m``). Functions: ``sqrt``.
    """
    return '(g_m - 1/K*sum_n g_n - ahat_m/K*sum_n g_n*(a_n - mu)/sqrt(sigma2 + delta))/sqrt(sigma2 + delta)'


def dropout_expectation() -> str:
    """Return the expected weighted input of a unit that follows an inverted-dropout layer, at training time.

    Time budget: 2 s of CPU per call (the course default).

    During training each unit j of the previous layer is dropped with
    probability ``p`` (notes 1.5.1.7; torch's ``nn.Dropout(p)``): its output
    ``z_j`` is multiplied by its own random mask ``m_j``, 0 with probability
    p and 1 with probability 1 - p, independently of the others, and inverted
    dropout divides what is kept by the keep probability. The next unit's
    weighted input is ``a = sum_j w_j m_j z_j / (1 - p)`` (no bias). Give
    ``E[a]``, the expectation over the masks, w and z fixed. Names: ``w`` and
    ``z`` (column vectors of size n, with ``^T`` to transpose; or their
    entries ``w_j`` and ``z_j`` in a sum ``sum_j ...``), ``p`` (0 < p < 1).
    Functions: ``log``, ``exp``, ``sqrt``.
    """
    return 'w^T z'
