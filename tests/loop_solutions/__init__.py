"""Deliberately slow but correct solutions, in plain Python loops, one module per topic.

Each module holds, for the exercises of its topic, a function with the solution's name and signature
that computes one scalar at a time (no vectorisation); ``_loops.py`` holds the helpers they share (the
bench hands it to the student's folder beside the topic's module). ``bench/bench_limits.py`` grades them
through the sandbox on each exercise's largest hidden input and sets the exercise's CPU limit from their
cost; ``tests/limits_measured.json`` keeps what it measured. :data:`NO_LOOP_VERSION` says, for the
exercises that have none, why.
"""

_TORCH_OBJECTS = (
    "the student's code is a torch class or takes torch objects (a model, an optimiser), driven by a script of "
    "tensor operations and backward passes: its cost is torch's own, and a version in loops over single numbers "
    "would not be a torch module any more"
)
_EIGEN = "needs the eigenvalues of A (np.linalg.eigh): a loop version would be an eigenvalue solver of one's own"

NO_LOOP_VERSION: dict[str, str] = {
    "derivations.*": "the answer is a derivation in text (an expression per step), not a computation",
    "mlp.digits_weights": "the student hands in a trained weights file; no code of theirs runs when it is graded",
    "gradient_descent.after_steps": _EIGEN,
    "gradient_descent.is_stable": _EIGEN,
    "gradient_descent.step_sizes": _EIGEN,
    "gradient_descent.steps_to_tolerance": "two numbers in, one integer out: there is no array to loop over",
    "rnn.jacobian_norms": "needs spectral norms (np.linalg.norm(J, 2), a singular value decomposition): a loop "
                          "version would be an SVD of one's own",
    "autograd.*": _TORCH_OBJECTS,
    "layers.*": _TORCH_OBJECTS,
    "mlp.sigmoid_mlp": _TORCH_OBJECTS,
    "mlp.sgd_step": _TORCH_OBJECTS,
    "mlp.train": _TORCH_OBJECTS,
    "mlp.predict_labels": _TORCH_OBJECTS,
    "rnn.rnn_module": _TORCH_OBJECTS,
    "rnn.lstm_module": _TORCH_OBJECTS,
    "cnn.residual_block": _TORCH_OBJECTS,
    "cnn.digits_cnn": _TORCH_OBJECTS,
    "gans.gan_step": _TORCH_OBJECTS,
    "gans.wgan_step": _TORCH_OBJECTS,
    "gans.wgan_gp_critic_step": _TORCH_OBJECTS,
    "autoencoders.digits_autoencoder": _TORCH_OBJECTS,
    "vae.reparametrised_sample": _TORCH_OBJECTS,
}
"""exercise ids (``fnmatch`` patterns) that have no loop solution, each with the reason"""

NO_LOOP_VERSION.update({
    "tokenisation.*": "text in, tokens out: the course's solution is itself plain Python over characters and "
                      "pairs, so its measurement is a loop solution's",
    "representation.greedy_pretraining": _EIGEN.replace("of A", "of each layer's covariance"),
    "representation.fine_tune_head": _TORCH_OBJECTS,
    "linear_algebra.dimensions_lost": "needs the rank (singular values, np.linalg.svd): a loop version would be "
                                      "an SVD of one's own",
})
