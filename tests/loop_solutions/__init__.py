"""Deliberately slow but correct solutions, in plain Python loops, one module per topic.

Each module holds, for the exercises of its topic, a function with the solution's name and signature
that computes one scalar at a time (no vectorisation). ``bench/bench_limits.py`` grades them through the
sandbox on each exercise's largest hidden input and sets the exercise's CPU limit from their cost;
``tests/limits_measured.json`` keeps what it measured. :data:`NO_LOOP_VERSION` says, for the exercises
that have none, why.
"""

NO_LOOP_VERSION = {
    "derivations.*": "the answer is a derivation in text (an expression per step), not a computation",
    "mlp.digits_weights": "the student hands in a trained weights file; no code of theirs runs when it is graded",
}
"""exercise ids (``fnmatch`` patterns) that have no loop solution, each with the reason"""
