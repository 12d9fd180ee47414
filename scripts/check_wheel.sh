#!/usr/bin/env bash
# Build the sdist and wheel, install the wheel into a fresh virtual environment and use it as a
# certifier would on a new machine: --version, init, the bundled example run, certify, verify.
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

# Run outside the checkout, with nothing of the developer's environment.
cd "$WORK"
unset ASFVERIFY_WORKSPACE ASFVERIFY_PLUGINS ASFVERIFY_DEBUG
export ASFVERIFY_LANG=${ASFVERIFY_LANG:-sv}

step "asfverify --version"
expected=$("$PY" -c "import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == '__version__'))" "$ROOT/asfverify/__init__.py")
"$BIN/asfverify" --version | tee version.txt
grep -q "$expected" version.txt || { echo "check_wheel: --version does not say $expected" >&2; exit 1; }

step "asfverify init"
"$BIN/asfverify" init ws --certifier "Exempelcertifieraren AB" --org-number 556677-8899 \
    --publish-prefix https://certifier.example/asf
test -f ws/asfverify.toml

step "the bundled example in the new workspace"
"$BIN/asfverify" -w ws agreements import "$ROOT/examples/registry.csv"
"$BIN/asfverify" -w ws run "$ROOT/examples/vagen-framat"
RUN=$("$BIN/asfverify" -w ws run --json "$ROOT/examples/vagen-framat" | "$BIN/python" -c "import json,sys; d=json.load(sys.stdin); assert d['decision'] == 'certifiable', d['decision']; print(d['run_id'])")

step "certify and verify"
mkdir -p out
"$BIN/asfverify" -w ws certify "$RUN" -o out/certificate.json --html out/certificate.html
test -s out/certificate.html
"$BIN/asfverify" verify out/certificate.json --trust ws/keys/ledger.pub
"$BIN/asfverify" -w ws report "$RUN" -o out/report.html
test -s out/report.html
echo
echo "check_wheel: the wheel installs and certifies the example"
