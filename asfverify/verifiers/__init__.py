"""Built-in verifiers, registered through the same hook as any plugin."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..hookspecs import hookimpl

BUILTIN_VERIFIERS = (
    "asfverify.verifiers.identity:IdentityVerifier",
    "asfverify.verifiers.bylaws:BylawsVerifier",
    "asfverify.verifiers.payroll:PayrollVerifier",
    "asfverify.verifiers.agreement:AgreementVerifier",
)


@hookimpl
def register_verifiers(register: Callable[[Any], None]) -> None:
    for target in BUILTIN_VERIFIERS:
        module_name, attr = target.split(":")
        register(getattr(importlib.import_module(module_name), attr)())
