"""One error family, one exit-status table, and the CLI's quiet and internal ends."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_certs_support import AT, make_certificate, make_status_list, raw_public

from asfverify import errors, testing
from asfverify.bylaws.patterns import PatternError
from asfverify.bylaws.rules import RuleFileError
from asfverify.certs import verify as cert_verify
from asfverify.certs.eddsa_jcs import ProofError
from asfverify.certs.statuslist import StatusListError
from asfverify.certs.trust import TrustedKey
from asfverify.cli import cli
from asfverify.jcs import CanonicalJSONError
from asfverify.multibase import MultibaseError
from asfverify.outcomes import Decision, Outcome


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (CanonicalJSONError, errors.EXIT_BAD_INPUT),
        (MultibaseError, errors.EXIT_BAD_INPUT),
        (RuleFileError, errors.EXIT_BAD_INPUT),
        (PatternError, errors.EXIT_BAD_INPUT),
        (ProofError, errors.EXIT_NEGATIVE),
        (StatusListError, errors.EXIT_NEGATIVE),
        (cert_verify.StepFailed, errors.EXIT_NEGATIVE),
    ],
)
def test_format_and_verification_errors_are_one_family(cls, status) -> None:
    exc = cls("why")
    assert isinstance(exc, errors.AsfError)
    assert errors.exit_status(exc) == status
    # Older callers caught these as ValueError; they still can.
    if cls is not cert_verify.StepFailed:
        assert isinstance(exc, ValueError)


def test_exit_statuses_are_distinct() -> None:
    statuses = [errors.EXIT_OK, errors.EXIT_NEGATIVE, errors.EXIT_BAD_INPUT, errors.EXIT_INTERNAL]
    assert len(set(statuses)) == 4
    assert errors.exit_status(KeyError("bug")) == errors.EXIT_INTERNAL


def test_vocabulary_is_typed_and_still_plain_strings() -> None:
    assert Outcome.PASS == "pass" and Decision.NEEDS_REVIEW == "needs-review"
    assert Outcome.FAIL.symbol == "FAIL" and Outcome.REVIEW.symbol == "review"
    assert Decision.CERTIFIABLE.sv == "kan certifieras"
    assert Outcome.PASS.certificate_en == "met"
    assert Decision.values() == ["certifiable", "needs-review", "rejected"]


# ---------------------------------------------------------------- certificate steps


def _odd_values():
    return [None, 0, -1, "", "x", [], ["x"], {}, {"a": 1}, True]


def _paths(value, prefix=()):
    """Every (path) to a value inside nested dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield (*prefix, i)
            yield from _paths(item, (*prefix, i))


def _replaced(document, path, new):
    out = copy.deepcopy(document)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return out


def test_odd_shapes_anywhere_are_fail_lines_not_exceptions() -> None:
    # The steps catch only the AsfError family, so they must check every shape they read.
    key = Ed25519PrivateKey.generate()
    cert = make_certificate(key)
    listing = make_status_list(key, [])
    trusted = [TrustedKey(raw_public(key), "test")]
    for path in _paths(cert):
        for odd in _odd_values():
            report = cert_verify.verify_certificate(_replaced(cert, path, odd), trusted, at=AT, status_list=listing)
            assert report.steps, (path, odd)
    for path in _paths(listing):
        for odd in _odd_values():
            report = cert_verify.verify_certificate(cert, trusted, at=AT, status_list=_replaced(listing, path, odd))
            assert report.steps, (path, odd)


def test_a_bug_in_a_step_is_not_reported_as_a_malformed_certificate(monkeypatch) -> None:
    key = Ed25519PrivateKey.generate()
    cert = make_certificate(key)

    def buggy(state):
        return state.cert["no such key"]

    steps = list(cert_verify.STEPS)
    steps[3] = ("validity", buggy, True)
    monkeypatch.setattr(cert_verify, "STEPS", steps)
    with pytest.raises(KeyError):
        cert_verify.verify_certificate(cert, [TrustedKey(raw_public(key), "test")], at=AT)


# ---------------------------------------------------------------- the command line's ends


def test_an_internal_error_has_its_own_exit_status(monkeypatch, tmp_path: Path) -> None:
    import asfverify.plugins

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(asfverify.plugins, "load_host", broken)
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == errors.EXIT_INTERNAL
    assert result.output.strip().splitlines() == [
        "Error: internal error: RuntimeError: boom (rerun with --debug for details)"
    ]


def test_review_refuses_pass_and_fail_together(invoke, tmp_path: Path) -> None:
    package = testing.build_package(tmp_path / "pkg")
    ran = invoke("run", "--json", str(package))
    assert ran.exit_code in (0, 1), ran.output
    import json

    run_id = json.loads(ran.output)["run_id"]
    result = invoke("review", run_id, "C1.purpose", "--pass", "--fail", "--note", "both")
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert "--pass and --fail" in result.output
    assert len(result.output.strip().splitlines()) == 1
    # Nothing was recorded: the run has no review.
    shown = invoke("status", "--json", run_id)
    assert json.loads(shown.output)["reviews"] == []


def _closed_pipe_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run asfverify with stdout a pipe whose reader has already gone (like `| head -1` after its line)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") or k == "ASFVERIFY_LANG"}
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, deterministically
    try:
        return subprocess.run(
            [sys.executable, "-c", "from asfverify.cli import main; main()", *args],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, env=env, cwd=cwd,
        )
    finally:
        os.close(write_end)


def test_a_closed_stdout_pipe_ends_quietly(invoke, workspace: Path, tmp_path: Path) -> None:
    package = testing.build_package(tmp_path / "pkg")
    assert invoke("run", str(package)).exit_code in (0, 1)
    done = _closed_pipe_run(["--workspace", str(workspace), "ledger", "show"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    done = _closed_pipe_run(["criteria"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
