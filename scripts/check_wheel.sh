#!/usr/bin/env bash
# Build the sdist and wheel, install the wheel into a fresh virtual environment and use it as a
# certifier would on a new machine: --version, init, example (the package copied out of the wheel),
# the example's run in Swedish (certifiable, no English sentence), certify, verify, report.
# A missing package-data file or template fails here, not for a user.
# Usage: scripts/check_wheel.sh [PYTHON]   (PYTHON needs the `build` package; default .venv/bin/python)
set -euo pipefail
# PYTHON may be relative to the caller's folder: make it absolute before changing folders.
PY=${1:-}
if [ -n "$PY" ] && [ "${PY#/}" = "$PY" ]; then PY=$PWD/$PY; fi
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "build sdist and wheel"
"$PY" -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
ls "$WORK/dist"
WHEEL=$(ls "$WORK"/dist/asfverify-*.whl)

step "install the wheel into a fresh virtual environment"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL" 2> >(grep -v "^WARNING: Location" >&2)
BIN=$WORK/venv/bin

# Run outside the checkout, with nothing of the developer's environment: no checkout path below
# (only the wheel's own `asfverify example`), and ASFVERIFY_LANG unset, so the output is Swedish.
cd "$WORK"
unset ASFVERIFY_WORKSPACE ASFVERIFY_PLUGINS ASFVERIFY_DEBUG ASFVERIFY_LANG
asf() { "$BIN/asfverify" "$@"; }

step "asfverify --version"
expected=$("$PY" -c "import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == '__version__'))" "$ROOT/asfverify/__init__.py")
asf --version | tee version.txt
grep -q "$expected" version.txt || { echo "check_wheel: --version does not say $expected" >&2; exit 1; }

step "asfverify init"
asf init ws --certifier "Exempelcertifieraren AB" --org-number 556677-8899 \
    --publish-prefix https://certifier.example/asf
test -f ws/asfverify.toml
cd ws

step "asfverify example: the bundled example, copied out of the installed wheel"
asf example | tee example.txt
grep -q "asfverify run example/vagen-framat" example.txt || { echo "check_wheel: example does not say how to run it" >&2; exit 1; }
test -f example/vagen-framat/application.toml && test -f example/registry.csv

step "the bundled example in the new workspace, in Swedish"
asf agreements import example/registry.csv
asf run example/vagen-framat | tee run.txt
grep -q "Beslut: kan certifieras" run.txt || { echo "check_wheel: the Swedish run does not say 'kan certifieras'" >&2; exit 1; }
"$PY" "$ROOT/scripts/no_english.py" run.txt
asf run --lang en example/vagen-framat > run-en.txt
grep -q "Decision: certifiable" run-en.txt || { echo "check_wheel: 'run --lang en' is not English" >&2; exit 1; }
# That English run, read later in Swedish: the ledger's message records render in the reader's language.
RUN_EN=$(sed -n '1s/.* \([0-9a-f]\{16\}\)$/\1/p' run-en.txt)
asf status "$RUN_EN" > status-sv.txt
grep -q "Varje deltagare har en individuell plan." status-sv.txt || { echo "check_wheel: status of an English run is not Swedish" >&2; exit 1; }
RUN=$(asf run --json example/vagen-framat | "$BIN/python" -c "import json,sys; d=json.load(sys.stdin); assert d['decision'] == 'certifiable', d['decision']; print(d['run_id'])")

step "certify and verify"
mkdir -p out
asf certify "$RUN" -o out/certificate.json --html out/certificate.html
test -s out/certificate.html
asf verify out/certificate.json --trust keys/ledger.pub
asf report "$RUN" -o out/report.html
test -s out/report.html
echo
echo "check_wheel: the wheel installs and certifies the example"
