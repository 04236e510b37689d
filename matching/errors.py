"""Errors raised by :mod:`matching`.

Every error is a :class:`MatchingError`, itself a :class:`ValueError`, so callers that only
care about "bad input" can catch ``ValueError``; the message names the offending value.

Examples
--------
>>> from matching.errors import MatchingError, UnknownOrganisation
>>> err = UnknownOrganisation("acme")
>>> str(err), err.slug, isinstance(err, MatchingError), isinstance(err, ValueError)
("unknown organisation: 'acme'", 'acme', True, True)
"""

from __future__ import annotations

__all__ = ["MatchingError", "UnknownOrganisation"]


class MatchingError(ValueError):
    """Invalid input to the matching library (bad kind, duplicate slug, bad parameter).

    Examples
    --------
    >>> MatchingError("unknown suggestion kind: 'friend'")
    MatchingError("unknown suggestion kind: 'friend'")
    """


class UnknownOrganisation(MatchingError):
    """A slug that is not among the organisations the model was fitted on.

    Parameters
    ----------
    slug : str
        The slug that was asked for.

    Examples
    --------
    >>> UnknownOrganisation("acme").slug
    'acme'
    """

    def __init__(self, slug: str) -> None:
        super().__init__(f"unknown organisation: {slug!r}")
        self.slug = slug
