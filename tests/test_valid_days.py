"""--valid-days is checked in one place per command, the library function the command calls (issue 12
point 8): the command line and the API refuse the same values with the same one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _ledger_size, _record_run

from asfverify import workspace
from asfverify.certs.issue import build_status_list, issue_certificate
from asfverify.cli import cli
from asfverify.errors import BadInput


@pytest.fixture()
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ASFVERIFY_KEY_PASSPHRASE", raising=False)
    root = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(root), *CERTIFIER_FLAGS]).exit_code == 0
    _record_run(root, "run0001certifiable")
    return root


@pytest.mark.parametrize("days", ["0", "3661", "-5"])
def test_certify_refuses_what_issue_certificate_refuses(ws, days):
    before = _ledger_size(ws)
    result = CliRunner().invoke(cli, ["-w", str(ws), "certify", "run0001", "--valid-days", days])
    assert result.exit_code == 2 and result.stderr == f"Error: --valid-days {days}: must be between 1 and 3660\n"
    with pytest.raises(BadInput) as raised:
        issue_certificate(workspace.find(ws), "run0001", valid_days=int(days))
    assert f"Error: {raised.value}\n" == result.stderr
    assert _ledger_size(ws) == before


@pytest.mark.parametrize("days", ["0", "3661"])
def test_status_list_refuses_what_build_status_list_refuses(ws, days, tmp_path):
    result = CliRunner().invoke(cli, ["-w", str(ws), "status-list", "-o", str(tmp_path / "s.json"), "--valid-days", days])
    expected = f"--valid-days {days}: a status list must expire within 1 to 3660 days"
    assert result.exit_code == 2 and result.stderr == f"Error: {expected}\n"
    with pytest.raises(BadInput, match=expected):
        build_status_list(workspace.find(ws), valid_days=int(days))
    assert not (tmp_path / "s.json").exists()
