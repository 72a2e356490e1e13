"""The course's exercises, one topic module each.

Each module declares ``EXERCISES``: a tuple of
:class:`~grader.declarations.Exercise` with its check functions beside it.
A topic's name is also the name of the student's module (``perceptron.py``).
Add a topic by writing its module and listing it here.
"""

TOPIC_MODULES = (
    "perceptron",
    "sigmoid_neurons",
    "backprop",
    "attention",
    "attention_transformer",
    "gcn",
    "derivations",
    "hopfield",
    "rbm",
    "autograd",
    "mlp",
    "layers",
    "rnn",
    "cnn",
    "activations",
    "costs",
    "optimisers",
    "schedules",
    "generalisation",
    "normalisation",
    "dropout",
    "initialisation",
    "gradient_descent",
    "pruning",
    "tokenisation",
    "gans",
    "probability",
    "information",
    "linear_algebra",
    "calculus",
    "representation",
    "autoencoders",
    "vae",
    "node_embeddings",
)
