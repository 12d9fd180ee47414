#!/usr/bin/env bash
# The demo behind `make demo`: the bundled example application, end to end, in the repository's
# own workspace (asfverify.toml at the root): verify it, issue its certificate, verify that offline,
# accredit the certifier on a scheme owner's trust list and verify against it, and show an unlisted
# certifier's certificate and a revoked certificate failing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out

# Bold commands only on a terminal without NO_COLOR: piped (make readme, CI logs) the output is plain text.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD='' PLAIN=''; fi
say() { printf '\n%s$ %s%s\n' "$BOLD" "$*" "$PLAIN"; }
# Echo a command as it would be typed: arguments with spaces or shell characters in double quotes.
quoted() {
  local out='' arg
  for arg in "$@"; do
    if [[ -z $arg || $arg =~ [^A-Za-z0-9_./:=@%+,-] ]]; then out+=" \"$arg\""; else out+=" $arg"; fi
  done
  printf '%s' "${out# }"
}
run() { say "$(quoted "$@")"; "$@"; }
json_field() { python3 -c "import json,sys; data=json.load(sys.stdin); print(data$1)"; }

run asfverify init .
# Scratch space outside the workspace: the scheme owner's folder and key, and the demo's witness.
SCHEME=$(mktemp -d "${TMPDIR:-/tmp}/asfverify-demo-scheme.XXXXXX")
WITNESS_PID=""
cleanup() { [ -n "$WITNESS_PID" ] && kill "$WITNESS_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$SCHEME"; }
trap cleanup EXIT

# A witness on localhost cosigns the checkpoints of both logs (the register and the ledger): it makes
# a rolled-back or forked register impossible to hide. It runs until the end of the demo.
say "asfverify witness init $SCHEME/witness --name witness.demo.example/w1"
asfverify witness init "$SCHEME/witness" --name witness.demo.example/w1 | tee "$SCHEME/witness.vkey"
WITNESS_VKEY=$(tail -n 1 "$SCHEME/witness.vkey")
REGISTER_VKEY=$(asfverify keys show --json | json_field '["register_vkey"]')
LEDGER_VKEY=$(asfverify keys show --json | json_field '["vkey"]')
run asfverify witness add-log "$SCHEME/witness" "$REGISTER_VKEY"
run asfverify witness add-log "$SCHEME/witness" "$LEDGER_VKEY"
say "asfverify witness serve $SCHEME/witness --port 0 &"
asfverify witness serve "$SCHEME/witness" --port 0 2> "$SCHEME/witness.log" &
WITNESS_PID=$!
for _ in $(seq 50); do grep -q "listening on" "$SCHEME/witness.log" 2>/dev/null && break; sleep 0.1; done
WITNESS_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$SCHEME/witness.log")
cat "$SCHEME/witness.log"
# The workspace's [witnesses] policy (asfverify.toml names out/witness-policy.txt): the witness and its quorum.
printf 'log %s\nwitness w1 %s %s\nquorum w1\n' "$REGISTER_VKEY" "$WITNESS_VKEY" "$WITNESS_URL" > out/witness-policy.txt
say "cat out/witness-policy.txt"; cat out/witness-policy.txt
# The certifier's collective-agreement registry (Fremia member lists, hängavtal seen).
run asfverify agreements import examples/registry.csv
run asfverify run examples/vagen-framat
RUN=$(asfverify runs --json | json_field '[-1]["run_id"]')

run asfverify certify "$RUN" -o out/certificate.json --html out/certificate.html
run asfverify keys show
asfverify keys show --json | json_field '["pem"]' > out/issuer.pem
# What a procurement officer does: only the file and the issuer's public key, no workspace.
# With the certifier's witness policy the witness step checks the cosignature on the register checkpoint.
say "(cd /tmp && asfverify verify $PWD/out/certificate.json --trust $PWD/out/issuer.pem --policy $PWD/out/witness-policy.txt)"
(cd /tmp && asfverify verify "$OLDPWD/out/certificate.json" --trust "$OLDPWD/out/issuer.pem" \
  --policy "$OLDPWD/out/witness-policy.txt")

# The scheme owner accredits the certifier on its signed trust list. Its folder and key live outside
# any certifier workspace (trust-list init refuses one), so the demo keeps it in a temporary folder.
run asfverify issuer -o out/issuer.json
say "asfverify trust-list init $SCHEME/owner --name \"Skoopi (demo scheme owner)\""
asfverify trust-list init "$SCHEME/owner" --name "Skoopi (demo scheme owner)" | tee "$SCHEME/init.txt"
OWNER_KEY=$(tail -n 1 "$SCHEME/init.txt")
run asfverify trust-list add "$SCHEME/owner" out/issuer.json --criteria asf-v1 --from 2026-01-01
run asfverify trust-list sign "$SCHEME/owner" -o out/trust-list.json
# What a buyer does with the list: the certificate, the list and the scheme owner's key.
say "(cd /tmp && asfverify verify $PWD/out/certificate.json --trust-list $PWD/out/trust-list.json --trust-list-key $OWNER_KEY)"
(cd /tmp && asfverify verify "$OLDPWD/out/certificate.json" --trust-list "$OLDPWD/out/trust-list.json" \
  --trust-list-key "$OWNER_KEY")

# A certifier the scheme owner never accredited issues a certificate for the same application:
# its signature is valid, but against the trust list it fails the trust step.
OTHER="$SCHEME/unlisted-certifier"
asfverify init "$OTHER" --certifier "Oackrediterad Certifiering AB" --publish-prefix https://unlisted.example/asf > /dev/null
cp plugins/*.py "$OTHER/plugins/"
asfverify -w "$OTHER" agreements import examples/registry.csv > /dev/null
asfverify -w "$OTHER" run examples/vagen-framat > /dev/null
OTHER_RUN=$(asfverify -w "$OTHER" runs --json | json_field '[-1]["run_id"]')
asfverify -w "$OTHER" certify "$OTHER_RUN" -o out/unlisted-certificate.json > /dev/null 2>&1
say "asfverify verify out/unlisted-certificate.json --trust-list out/trust-list.json --trust-list-key $OWNER_KEY"
if asfverify verify out/unlisted-certificate.json --trust-list out/trust-list.json --trust-list-key "$OWNER_KEY"; then
  echo "demo: a certificate from an unlisted certifier verified, which is wrong" >&2
  exit 1
else
  echo "(exit $? — the certifier is not on the trust list, as expected)"
fi

# The public site: the register as C2SP tlog tiles, cosigned checkpoints, status lists, every
# certificate. A monitor (anyone) checks it with the published files only and lists what is new.
asfverify certify "$RUN" -o out/revoked.json > /dev/null
CERT=$(json_field '["id"]' < out/revoked.json)
run asfverify publish out/site
run asfverify monitor out/site --state out/monitor-state.json
# The revocation reaches the register, the status list and the monitor's next look.
run asfverify revoke "$CERT" --reason "Demo: revoked to show a failing verification" --category incorrect-information
run asfverify publish out/site
run asfverify monitor out/site --state out/monitor-state.json
say "asfverify verify out/revoked.json --trust out/issuer.pem --status out/site/status/revocation.json --status out/site/status/suspension.json"
if asfverify verify out/revoked.json --trust out/issuer.pem --status out/site/status/revocation.json --status out/site/status/suspension.json; then
  echo "demo: the revoked certificate verified, which is wrong" >&2
  exit 1
else
  echo "(exit $? — revoked, as expected)"
fi
# Serve it where [publish] prefix says (http://127.0.0.1:8000): python3 -m http.server -d out/site 8000

run asfverify report "$RUN" -o out/report.html
run asfverify ledger verify
# The certifier's setup as a buyer's verifier sees it (the witness is still running here).
run asfverify doctor --site out/site --trust-list out/trust-list.json --trust-list-key "$OWNER_KEY"
echo
echo "Certificate: out/certificate.json (printable: out/certificate.html); evidence report: out/report.html"
echo "Published site: out/site (serve: python3 -m http.server -d out/site 8000); the witness is stopped now"
