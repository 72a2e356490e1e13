"""The exercise registry: every declared exercise, looked up by id or topic.

Topic modules in ``grader/catalog/`` each declare a tuple ``EXERCISES``; the
registry collects them (:func:`load_registry`), validates every declaration,
and answers selections such as ``perceptron`` (a whole topic),
``perceptron.train`` (one exercise) or ``backprop.*`` (a pattern).
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
from functools import lru_cache
from typing import Iterable, Iterator

from grader.declarations import Exercise
from grader.errors import InvalidDeclaration, UnknownExercise


class Registry:
    """An ordered, validated collection of exercises."""

    def __init__(self, exercises: Iterable[Exercise]) -> None:
        self._exercises: dict[str, Exercise] = {}
        for exercise in exercises:
            exercise.validate()
            if exercise.id in self._exercises:
                raise InvalidDeclaration(f"exercise {exercise.id!r} is declared twice")
            self._exercises[exercise.id] = exercise

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises.values())

    def __len__(self) -> int:
        return len(self._exercises)

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._exercises

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self._exercises[exercise_id]
        except KeyError:
            raise UnknownExercise(
                f"there is no exercise {exercise_id!r}; `nngrade list` shows the exercises"
            ) from None

    @property
    def topics(self) -> list[str]:
        """Topic names in declaration order (they are also the student module names)."""
        return list(dict.fromkeys(exercise.topic for exercise in self))

    def in_topic(self, topic: str) -> list[Exercise]:
        return [exercise for exercise in self if exercise.topic == topic]

    def select(self, selectors: Iterable[str]) -> list[Exercise]:
        """Exercises named by ids, topics or shell-style patterns, in registry order."""
        selectors = list(selectors)
        if not selectors:
            return list(self)
        chosen: set[str] = set()
        for selector in selectors:
            matched = [
                exercise.id
                for exercise in self
                if exercise.id == selector or exercise.topic == selector or fnmatch.fnmatchcase(exercise.id, selector)
            ]
            if not matched:
                names = [exercise.id for exercise in self] + self.topics
                close = difflib.get_close_matches(selector, names, n=3, cutoff=0.6)
                guess = f"did you mean {' or '.join(repr(name) for name in close)}? " if close else ""
                raise UnknownExercise(
                    f"{selector!r} names no exercise; {guess}`nngrade list` shows the exercises and topics"
                )
            chosen.update(matched)
        return [exercise for exercise in self if exercise.id in chosen]


def load_topics(topics: Iterable[str]) -> Registry:
    """A registry of only the named topics (names of ``grader.catalog.TOPIC_MODULES``), in the course's order.

    For a command that knows which topics it needs (``nngrade check perceptron.predict``,
    ``pytest perceptron.py``): only their catalog modules are imported, so a self-check of a NumPy
    exercise does not load the derivation topic's parser and judge. A topic's exercises are declared
    in the catalog module of its name and in modules named ``<topic>_<part>``
    (``attention_transformer``); the registry holds exactly the named topics' exercises.
    """
    return _load_topics(frozenset(topics))


@lru_cache(maxsize=8)
def _load_topics(wanted: frozenset[str]) -> Registry:
    from grader.catalog import TOPIC_MODULES

    modules = tuple(m for m in TOPIC_MODULES if any(m == t or m.startswith(f"{t}_") for t in wanted))
    if modules == tuple(TOPIC_MODULES):
        return Registry(exercise for exercise in load_registry() if exercise.topic in wanted)
    exercises: list[Exercise] = []
    for name in modules:
        exercises.extend(e for e in importlib.import_module(f"grader.catalog.{name}").EXERCISES if e.topic in wanted)
    return Registry(exercises)


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The course's registry, built from every topic module in ``grader.catalog``."""
    from grader.catalog import TOPIC_MODULES

    exercises: list[Exercise] = []
    for name in TOPIC_MODULES:
        module = importlib.import_module(f"grader.catalog.{name}")
        exercises.extend(module.EXERCISES)
    return Registry(exercises)
