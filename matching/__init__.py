"""Convene's matching library: graph, profile model, ranking with reasons, evaluation.

A pure library — it imports only the standard library, numpy, scipy, scikit-learn and
networkx, never the web, API or database code (``tests/matching/test_purity.py`` checks).

Examples
--------
>>> from matching import Matcher, OrgRecord
>>> orgs = [OrgRecord(slug, "company", themes=("water",)) for slug in ("a", "b")]
>>> [c.candidate for c in Matcher().fit(orgs).suggest("a", "peer")]
['b']
"""

from matching.errors import MatchingError, UnknownOrganisation
from matching.graph import build_graph
from matching.matcher import MODEL_VERSION, Matcher
from matching.profile import ProfileVectorizer
from matching.records import Candidate, EdgeRecord, OrgRecord, Reason

__all__ = [
    "MODEL_VERSION",
    "Candidate",
    "EdgeRecord",
    "Matcher",
    "MatchingError",
    "OrgRecord",
    "ProfileVectorizer",
    "Reason",
    "UnknownOrganisation",
    "build_graph",
]
