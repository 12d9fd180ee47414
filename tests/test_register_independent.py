"""An independent client reads the published site: Go's golang.org/x/mod/sumdb/tlog and sumdb/note
(Debian's golang-golang-x-mod-dev, offline) verify the register checkpoint's signature, recompute the
root from the hash tiles and check a certificate entry's inclusion — code we did not write."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_certs_cli import CERTIFIER_FLAGS, _record_run

from asfverify.cli import cli

GOCODE = Path("/usr/share/gocode")
TLOG = GOCODE / "src/golang.org/x/mod/sumdb/tlog"

GO_PROGRAM = r'''
package main

// Usage: tilecheck SITE VKEY INDEX
// Verifies SITE/register/checkpoint with VKEY, recomputes the root from the tiles, reads entry INDEX
// from its bundle and proves its inclusion. Prints "ok <size> <index>" or exits 1.

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type dirReader struct{ root string }

func (d dirReader) Height() int { return 8 }

func (d dirReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// sumdb paths carry the height (tile/8/L/N); tlog-tiles paths do not (tile/L/N).
		p := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		data, err := os.ReadFile(filepath.Join(d.root, "register", p))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d dirReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	site, vkey := os.Args[1], os.Args[2]
	index, _ := strconv.ParseInt(os.Args[3], 10, 64)
	msg, err := os.ReadFile(filepath.Join(site, "register", "checkpoint"))
	if err != nil {
		fail("read checkpoint: %v", err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("vkey: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("size: %v", err)
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("root: %v", err)
	}
	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, dirReader{site})
	computed, err := tlog.TreeHash(size, reader)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if computed != root {
		fail("root from tiles %v differs from checkpoint %v", computed, root)
	}
	// The entry from its bundle (uint16 big-endian length prefixes).
	width := size - (index/256)*256
	if width > 256 {
		width = 256
	}
	bundle := tlog.Tile{H: 8, L: -1, N: index / 256, W: int(width)}
	data, err := os.ReadFile(filepath.Join(site, "register", strings.Replace(bundle.Path(), "tile/8/data/", "tile/entries/", 1)))
	if err != nil {
		fail("bundle: %v", err)
	}
	var entry []byte
	for i, pos := int64(0), 0; i <= index%256; i++ {
		l := int(binary.BigEndian.Uint16(data[pos:]))
		entry = data[pos+2 : pos+2+l]
		pos += 2 + l
	}
	proof, err := tlog.ProveRecord(size, index, reader)
	if err != nil {
		fail("prove: %v", err)
	}
	if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(entry)); err != nil {
		fail("inclusion: %v", err)
	}
	fmt.Printf("ok %d %d %s\n", size, index, entry)
}
'''


def _invoke(*args: str, ws: Path | None = None):
    argv = (["-w", str(ws)] if ws else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture(scope="module")
def tilecheck(tmp_path_factory) -> Path:
    if shutil.which("go") is None or not TLOG.is_dir():
        pytest.skip("needs Go and golang-golang-x-mod-dev (apt-get install golang-go golang-golang-x-mod-dev)")
    root = tmp_path_factory.mktemp("gopath")
    src = root / "src" / "tilecheck"
    src.mkdir(parents=True)
    (src / "main.go").write_text(GO_PROGRAM, encoding="utf-8")
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": f"{root}:{GOCODE}", "GOFLAGS": "",
           "GOCACHE": str(root / "cache"), "GOPROXY": "off", "CGO_ENABLED": "0"}
    binary = root / "tilecheck"
    built = subprocess.run(["go", "build", "-o", str(binary), "tilecheck"], cwd=src, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    return binary


def _site_with_certificates(tmp_path: Path, extra_entries: int) -> tuple[Path, Path, dict]:
    ws = tmp_path / "ws"
    assert _invoke("init", str(ws), *CERTIFIER_FLAGS).exit_code == 0
    _record_run(ws, "run0001certifiable")
    out = tmp_path / "c.json"
    assert _invoke("certify", "run0001", "-o", str(out), ws=ws).exit_code == 0
    cert = json.loads(out.read_text(encoding="utf-8"))
    if extra_entries:
        from asfverify import workspace
        from asfverify.publish.registry import open_logs

        ledger, register = open_logs(workspace.find(ws))
        with ledger.transaction():
            with register.transaction(join=True) as rtx:
                for i in range(extra_entries):
                    rtx.append({"kind": "key", "action": "note", "n": i})
    site = tmp_path / "site"
    assert _invoke("publish", str(site), ws=ws).exit_code == 0
    return ws, site, cert


@pytest.mark.parametrize("extra", [0, 300, 70_000 - 2])
def test_go_tlog_recomputes_the_root_from_tiles_and_proves_the_certificate_entry(tilecheck, tmp_path, extra):
    ws, site, cert = _site_with_certificates(tmp_path, extra)
    vkey = json.loads((site / "issuer.json").read_text(encoding="utf-8"))["register"]["vkey"]
    index = int(cert["ledgerProof"]["tlogProof"].split("\nindex ")[1].split("\n")[0])
    result = subprocess.run([str(tilecheck), str(site), vkey, str(index)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    words = result.stdout.split(" ", 3)
    assert words[0] == "ok" and int(words[2]) == index
    assert json.loads(words[3]) == cert["ledgerProof"]["entry"]
    # The same client refuses an edited tile.
    tile = sorted((site / "register/tile/0").rglob("*"))[-1]
    data = bytearray(tile.read_bytes())
    data[0] ^= 1
    tile.write_bytes(bytes(data))
    refused = subprocess.run([str(tilecheck), str(site), vkey, str(index)], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
