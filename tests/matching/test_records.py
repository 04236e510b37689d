from __future__ import annotations

import json

import matching
from matching.errors import MatchingError, UnknownOrganisation
from matching.records import Candidate, EdgeRecord, OrgRecord, Reason


def test_package_exports() -> None:
    assert set(matching.__all__) >= {
        "OrgRecord",
        "EdgeRecord",
        "Reason",
        "Candidate",
        "Matcher",
        "ProfileVectorizer",
        "build_graph",
        "MODEL_VERSION",
    }
    assert matching.MODEL_VERSION.startswith("convene-")


def test_candidate_to_dict_is_json_ready() -> None:
    reason = Reason("shared_group", {"group": "gold-covenant"}, 0.31)
    candidate = Candidate("acme", "bolt", "peer", 0.5, (reason,))
    assert json.loads(json.dumps(candidate.to_dict())) == {
        "org": "acme",
        "candidate": "bolt",
        "kind": "peer",
        "score": 0.5,
        "reasons": [{"code": "shared_group", "params": {"group": "gold-covenant"}, "weight": 0.31}],
    }


def test_records_are_frozen_and_hashable() -> None:
    org = OrgRecord("a", "company", themes=("water",))
    assert hash(org) == hash(OrgRecord("a", "company", themes=("water",)))
    assert EdgeRecord("a", "b", "partner") == EdgeRecord("a", "b", "partner", active=True)


def test_errors_are_value_errors_naming_the_value() -> None:
    err = UnknownOrganisation("ghost")
    assert isinstance(err, MatchingError)
    assert isinstance(err, ValueError)
    assert "ghost" in str(err)
