"""Every forgery of tests/test_certs_verify.py fails in Swedish too, with no English sentence left in its line."""

from __future__ import annotations

import copy

from test_certs_verify import AT, FORGERIES, cert, key, trusted  # noqa: F401  (fixtures: a certificate and its key)
from test_i18n import ENGLISH

from asfverify import i18n
from asfverify.certs.verify import verify_certificate


def test_every_forgery_fails_in_swedish_without_an_english_sentence(cert, trusted):  # noqa: F811
    i18n.set_language("sv")
    try:
        lines = []
        for name, forge in FORGERIES.items():
            forged = copy.deepcopy(cert)
            forge(forged)
            lines += [(name, s.line()) for s in verify_certificate(forged, trusted, at=AT).steps if s.status == "FAIL"]
    finally:
        i18n.set_language(None)
    assert len({name for name, _line in lines}) == len(FORGERIES)  # each forgery failed a step
    assert all(line.startswith("FEL: ") for _name, line in lines)
    assert [(name, line) for name, line in lines if ENGLISH.search(line)] == []
