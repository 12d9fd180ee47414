#!/usr/bin/env python3
"""The README's demo block, generated from a real run of scripts/demo.sh.

    python scripts/readme_demo.py           # run the demo, rewrite the block in README.md (make readme)
    python scripts/readme_demo.py --check   # run it and fail when the block differs (make readme-check)

The demo runs in a fresh copy of the checkout's tracked files (so the output starts from an empty
ledger and nothing of the developer's workspace shows), with the checkout's .venv/bin first on PATH,
English messages (the README is English) and 100 columns. The copy's folder is shown as
~/asfverify. --check compares both texts after replacing what differs between any two runs — run and
key ids, uuids, times, digests, keys and absolute paths — so only a real change in the output fails.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- demo-output -->", "<!-- /demo-output -->"
SHOWN_ROOT = "~/asfverify"
COLUMNS = "100"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# What legitimately differs between two runs, most specific first.
VOLATILE = [
    (re.compile(r"urn:uuid:[0-9a-f-]{36}"), "urn:uuid:<uuid>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"), "<time>"),
    (re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]+"), "did:key:<key>"),
    (re.compile(r"\bz6Mk[1-9A-HJ-NP-Za-km-z]*…?"), "<key>"),  # a did:key's multibase key, whole or shortened
    (re.compile(r"(?<![\w/])(?:~|/)[^\s()'\"`,;]*"), "<path>"),
    (re.compile(r"\b[0-9a-f]{8,}…?"), "<hex>"),
    (re.compile(r"[A-Za-z0-9+/]{32,}={0,2}"), "<base64>"),
]


def tracked_files() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name for name in done.stdout.decode("utf-8").split("\0") if name]


def run_demo() -> str:
    """scripts/demo.sh's output (stdout and stderr, as a terminal shows them), in a fresh copy."""
    with tempfile.TemporaryDirectory(prefix="asfverify-readme-") as tmp:
        copy = Path(tmp) / "asfverify"
        for name in tracked_files():
            source = ROOT / name
            if source.is_symlink() or source.is_file():
                target = copy / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.is_symlink():
                    os.symlink(os.readlink(source), target)
                else:
                    shutil.copy2(source, target)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASFVERIFY_") and k != "NO_COLOR"}
        env.update({"PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}", "ASFVERIFY_LANG": "en",
                    "COLUMNS": COLUMNS})  # no NO_COLOR: piped output must be plain by itself
        done = subprocess.run(["bash", "scripts/demo.sh"], cwd=copy, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        output = done.stdout.replace(str(copy.resolve()), SHOWN_ROOT).replace(str(copy), SHOWN_ROOT)
        if done.returncode != 0:
            sys.stderr.write(output)
            raise SystemExit(f"readme_demo: scripts/demo.sh failed (exit {done.returncode})")
    if ANSI.search(output):
        raise SystemExit("readme_demo: the demo wrote terminal escapes into piped output")
    return output.strip("\n") + "\n"


def block(readme: str) -> tuple[int, int]:
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"readme_demo: README.md has no {START} … {END} block")
    return start + len(START), end


def render(output: str) -> str:
    return f"\n```\n{output}```\n"


def normalise(text: str) -> list[str]:
    lines = []
    for line in text.strip().strip("`").strip().splitlines():
        for pattern, replacement in VOLATILE:
            line = pattern.sub(replacement, line)
        lines.append(line.rstrip())
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--check", action="store_true", help="fail when README.md's block differs from a fresh run")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    start, end = block(readme)
    output = run_demo()
    if args.check:
        shown, fresh = normalise(readme[start:end]), normalise(output)
        if shown != fresh:
            diff = difflib.unified_diff(shown, fresh, "README.md (demo block)", "scripts/demo.sh (now)", lineterm="", n=1)
            print("\n".join(diff))
            print("readme_demo: README.md's demo block is out of date; run `make readme` and commit README.md")
            return 1
        print("readme_demo: README.md's demo block matches a fresh run")
        return 0
    README.write_text(readme[:start] + render(output) + readme[end:], encoding="utf-8")
    print(f"readme_demo: wrote the demo block of README.md ({output.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
