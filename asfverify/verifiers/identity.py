"""C3.identity: the organisation number's check digit, group digit and fit with the legal form."""

from __future__ import annotations

from collections.abc import Iterable

from ..i18n import N_, _
from ..idnumbers import MASK, is_personal_number, public_org_number
from ..verifier import Application, BaseVerifier, Context, Evidence, Result

VERSION = "1.0"

# First digit of an organisationsnummer: the legal-form group (Skatteverket; domain.md §a1).
# English msgids, translated where they are shown (_group below).
GROUPS = {
    "1": N_("dödsbo"),
    "2": N_("stat, region, kommun or församling"),
    "3": N_("foreign company"),
    "5": N_("aktiebolag"),
    "6": N_("enkelt bolag"),
    "7": N_("ekonomisk förening"),
    "8": N_("ideell förening or stiftelse"),
    "9": N_("handelsbolag or kommanditbolag"),
}
# The group digit is a hint, not proof of form: 7 and 8 are both used by ekonomiska och ideella föreningar.
EXPECTED_GROUPS = {
    "aktiebolag": {"5"},
    "aktiebolag (svb)": {"5"},
    "ekonomisk förening": {"7", "8"},
    "ideell förening": {"8", "7"},
    "stiftelse": {"8"},
}
PERSONNUMMER_MASK = MASK  # one mask for every personal number (asfverify.idnumbers)
__all__ = ["IdentityVerifier", "PERSONNUMMER_MASK", "public_org_number"]


class IdentityVerifier(BaseVerifier):
    name = "identity"
    version = VERSION
    requirements = ("C3.identity",)
    document_kinds = ()
    runs_without_documents = True

    def verify(self, application: Application, context: Context) -> Iterable[Result]:
        org = application.organisation
        number = org.org_number
        digits = number.replace("-", "")
        shown = public_org_number(number)
        evidence = [Evidence(excerpt=f"org_number {shown}" + (f", legal_form {org.legal_form}" if org.legal_form else ""))]

        metrics = {} if shown == PERSONNUMMER_MASK else {"group_digit": digits[0]}

        def result(outcome: str, summary: str) -> Result:
            return Result("C3.identity", outcome, summary, evidence=evidence, metrics=metrics)

        if is_personal_number(number):
            return [result("fail", _("The organisation number is a personnummer (enskild firma), not a legal person's organisationsnummer."))]
        if int(digits[2]) < 2:
            return [result("fail", _("{number} is not an organisationsnummer: its third digit must be 2 or more.", number=shown))]
        group = digits[0]
        if group == "2":
            return [result("fail", _("{number} is in group 2 ({group_name}): the applicant is part of the public sector.",
                                     number=shown, group_name=_(GROUPS["2"])))]
        if group not in GROUPS:
            return [result("fail", _("{number} has group digit {group}, which Skatteverket does not assign.", number=shown, group=group))]
        if group == "1":
            return [result("fail", _("{number} is in group 1 (dödsbo), which cannot be an ASF.", number=shown))]
        expected = EXPECTED_GROUPS.get(org.legal_form or "")
        if expected is not None and group not in expected:
            return [result("review", _("{number} is in group {group} ({group_name}), which does not fit the declared legal form {legal_form}.",
                                      number=shown, group=group, group_name=_(GROUPS[group]), legal_form=org.legal_form))]
        if group in {"3", "6"}:
            return [result("review", _("{number} is in group {group} ({group_name}), unusual for an ASF.",
                                       number=shown, group=group, group_name=_(GROUPS[group])))]
        return [result("pass", _("{number} is a valid organisationsnummer in group {group} ({group_name}), outside the public sector.",
                                     number=shown, group=group, group_name=_(GROUPS[group])))]
