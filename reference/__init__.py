"""NumPy and torch reference implementations of the course's algorithms.

For each topic: ``<topic>.py`` (NumPy), ``<topic>_torch.py`` (torch, imported
only when used) and ``<topic>_mistakes.py`` (the known mistakes, each a small
variant of a reference function with the same signature). Every reference
carries its formula in the docstring and the shapes in its parameters.
"""
