#!/usr/bin/env bash
# The demo behind `make demo`: the bundled example application, end to end, in the repository's
# own workspace (asfverify.toml at the root): verify it, issue its certificate, verify that offline,
# and show a revoked certificate failing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }
json_field() { python3 -c "import json,sys; data=json.load(sys.stdin); print(data$1)"; }

run asfverify init .
# The certifier's collective-agreement registry (Fremia member lists, hängavtal seen).
run asfverify agreements import examples/registry.csv
run asfverify run examples/vagen-framat
RUN=$(asfverify runs --json | json_field '[-1]["run_id"]')

run asfverify certify "$RUN" -o out/certificate.json --html out/certificate.html
run asfverify keys show
asfverify keys show --json | json_field '["pem"]' > out/issuer.pem
# What a procurement officer does: only the file and the issuer's public key, no workspace.
say "(cd /tmp && asfverify verify $PWD/out/certificate.json --trust $PWD/out/issuer.pem)"
(cd /tmp && asfverify verify "$OLDPWD/out/certificate.json" --trust "$OLDPWD/out/issuer.pem")

# A second certificate for the same run, revoked: verification against the status list fails.
asfverify certify "$RUN" -o out/revoked.json > /dev/null
CERT=$(json_field '["id"]' < out/revoked.json)
run asfverify revoke "$CERT" --reason "Demo: revoked to show a failing verification"
run asfverify status-list -o out/status-list.json
say "asfverify verify out/revoked.json --trust out/issuer.pem --status out/status-list.json"
if asfverify verify out/revoked.json --trust out/issuer.pem --status out/status-list.json; then
  echo "demo: the revoked certificate verified, which is wrong" >&2
  exit 1
else
  echo "(exit $? — revoked, as expected)"
fi

run asfverify report "$RUN" -o out/report.html
run asfverify ledger verify
echo
echo "Certificate: out/certificate.json (printable: out/certificate.html); evidence report: out/report.html"
