"""OpenAIRE grant agreement URIs as funding."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import grants
from ir_ingest.crosswalk.normalise import NormaliseError


def test_grant_agreement() -> None:
    assert grants.grant_agreement("info:eu-repo/grantAgreement/EC/H2020/123456/EU") == {
        "funder": {"name": "EC"},
        "award": {
            "number": "123456",
            "uri": "info:eu-repo/grantAgreement/EC/H2020/123456/EU",
            "title": "H2020",
        },
    }
    # The project's name, where given, is the award's title: the programme had stood for it.
    named = "info:eu-repo/grantAgreement/EC/FP7/283595/EU/Tidal Commons/TIDCOM"
    assert grants.grant_agreement(named)["award"]["title"] == "Tidal Commons"
    unnamed = "info:eu-repo/grantAgreement/EC/FP7/246016//"
    assert grants.grant_agreement(unnamed)["award"]["title"] == "FP7"
    with pytest.raises(NormaliseError):
        grants.grant_agreement("https://example.org/grant")


@pytest.mark.parametrize(
    ("uri", "number"),
    [
        # FCT (Portugal) project numbers have slashes of their own; PT is the jurisdiction.
        ("info:eu-repo/grantAgreement/FCT/5876/UID/BIA/04325/2013/PT", "UID/BIA/04325/2013"),
        (
            "info:eu-repo/grantAgreement/FCT/3599-PPCDT/PTDC/MAR-EST/1234/2014",
            "PTDC/MAR-EST/1234/2014",
        ),
        ("info:eu-repo/grantAgreement/EC/FP7/283595/EU/Tidal Commons/TIDCOM", "283595"),
        ("info:eu-repo/grantAgreement/EC/H2020/123456", "123456"),
        ("info:eu-repo/grantAgreement/EC/H2020/123456/EU/Project name/ACRO", "123456"),
        # A two-letter segment inside the number is no jurisdiction: only one followed by
        # nothing but a project name and acronym is.
        ("info:eu-repo/grantAgreement/FCT/SFRH/SFRH/BD/123456/2016/PT", "SFRH/BD/123456/2016"),
        ("info:eu-repo/grantAgreement/FCT/POR_NORTE/PD/BD/113593/2015/PT", "PD/BD/113593/2015"),
        # ... nor one followed by a number: a name is no number.
        ("info:eu-repo/grantAgreement/FCT/SFRH/SFRH/BD/123456/PT", "SFRH/BD/123456"),
        # A two-letter acronym after the jurisdiction is no jurisdiction either.
        ("info:eu-repo/grantAgreement/EC/H2020/123456/EU/Project name/AB", "123456"),
        # An empty segment is a part left out: the number ends before it.
        ("info:eu-repo/grantAgreement/WT/Programme/098051//Project Name", "098051"),
        ("info:eu-repo/grantAgreement/EC/FP7/246016//", "246016"),
        ("info:eu-repo/grantAgreement/EC/FP7/246016/EU//ACRO", "246016"),
    ],
)
def test_grant_agreement_numbers_end_at_the_jurisdiction(uri: str, number: str) -> None:
    assert grants.grant_agreement(uri)["award"]["number"] == number
