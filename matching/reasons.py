"""Reason codes: why a candidate was suggested, as data.

A :class:`~matching.records.Reason` is ``(code, params, weight)``. ``params`` name the
concrete shared thing with slugs or codes only; the application turns a reason into a
sentence in the reader's language. ``weight`` is the share of the candidate's score that
the reason accounts for (the weights of one candidate sum to at most 1, because only the
strongest reasons are kept).

Reasons are written from the point of view of ``org``, the organisation receiving the
suggestion, about ``candidate``.

========================  ====================================  ==============================
code                      params                                meaning
========================  ====================================  ==============================
``shared_group``          ``group``: slug                       both are members of the group
                                                                (covenant, network, programme)
``common_partner``        ``organisation``: slug                both have an active
                                                                relationship with it
``shared_sector``         ``sector``: slug                      both list the sector
``shared_country``        ``country``: ISO alpha-2              both list the country
``shared_theme``          ``theme``: slug                       both list the theme
``theme_in_country``      ``theme``: slug, ``country``: code    one works on the theme in a
                                                                country where the other
                                                                operates or sources
``seeks_offers``          ``terms``: "a, b", ``direction``      words that match between one's
                                                                ``seeks`` and the other's
                                                                ``offers``; ``direction``
                                                                ``offers``: the candidate
                                                                offers what org seeks;
                                                                ``seeks``: the candidate seeks
                                                                what org offers
``shared_terms``          ``terms``: "a, b"                     distinctive words both
                                                                profiles use (peers only)
``cross_network``         ``network``: slug                     the candidate belongs to a
                                                                network org is not in
========================  ====================================  ==============================

``cross_network`` only qualifies a suggestion: a candidate is returned only when at least
one other reason names something the two share or complement (a "similar profile" with
nothing concrete behind it is never a reason).

Examples
--------
>>> sorted(REASON_CODES)[:3]
['common_partner', 'cross_network', 'seeks_offers']
>>> REASON_CODES["shared_group"]
('group',)
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "COMMON_PARTNER",
    "CROSS_NETWORK",
    "REASON_CODES",
    "SEEKS_OFFERS",
    "SHARED_COUNTRY",
    "SHARED_GROUP",
    "SHARED_SECTOR",
    "SHARED_TERMS",
    "SHARED_THEME",
    "THEME_IN_COUNTRY",
    "is_concrete",
]

SHARED_GROUP = "shared_group"
COMMON_PARTNER = "common_partner"
SHARED_SECTOR = "shared_sector"
SHARED_COUNTRY = "shared_country"
SHARED_THEME = "shared_theme"
THEME_IN_COUNTRY = "theme_in_country"
SEEKS_OFFERS = "seeks_offers"
SHARED_TERMS = "shared_terms"
CROSS_NETWORK = "cross_network"

#: Every reason code and the parameter names it carries.
REASON_CODES: Mapping[str, tuple[str, ...]] = {
    SHARED_GROUP: ("group",),
    COMMON_PARTNER: ("organisation",),
    SHARED_SECTOR: ("sector",),
    SHARED_COUNTRY: ("country",),
    SHARED_THEME: ("theme",),
    THEME_IN_COUNTRY: ("theme", "country"),
    SEEKS_OFFERS: ("terms", "direction"),
    SHARED_TERMS: ("terms",),
    CROSS_NETWORK: ("network",),
}


def is_concrete(code: str) -> bool:
    """Whether a reason code on its own justifies returning a candidate.

    Parameters
    ----------
    code : str
        A reason code from :data:`REASON_CODES`.

    Returns
    -------
    bool
        ``False`` only for ``cross_network``, which qualifies other reasons.

    Examples
    --------
    >>> is_concrete("shared_group"), is_concrete("cross_network")
    (True, False)
    """
    return code in REASON_CODES and code != CROSS_NETWORK
