// An independent check of asfverify's witness, written against Go's golang.org/x/mod/sumdb
// (not by asfverify): note.Open verifies the log's Ed25519 signature and a cosignature/v1 line
// through a note.Verifier implementing c2sp.org/tlog-cosignature; tlog.ProveTree makes the RFC 6962
// consistency proofs the Python witness must accept.
//
//	witnesscheck open LOG_VKEY WITNESS_NAME WITNESS_PUBKEY_B64 < cosigned-note
//	    prints one line per verified signer name, then the cosignature timestamp
//	witnesscheck prove OLD NEW < records (one per line)
//	    prints the root of NEW (base64), then the consistency proof hashes (base64), one per line
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type cosignatureV1 struct {
	name  string
	hash  uint32
	key   ed25519.PublicKey
	stamp *uint64
}

func (v cosignatureV1) Name() string    { return v.name }
func (v cosignatureV1) KeyHash() uint32 { return v.hash }

// Verify checks u64 timestamp || Ed25519 over "cosignature/v1\ntime <t>\n" + note text.
func (v cosignatureV1) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t == 0 {
		return false
	}
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	if !ed25519.Verify(v.key, signed, sig[8:]) {
		return false
	}
	*v.stamp = t
	return true
}

func newCosigner(name string, pub []byte) cosignatureV1 {
	h := sha256.Sum256(append([]byte(name+"\n\x04"), pub...))
	var stamp uint64
	return cosignatureV1{name, binary.BigEndian.Uint32(h[:4]), ed25519.PublicKey(pub), &stamp}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: witnesscheck open|prove ..."))
	}
	switch os.Args[1] {
	case "open":
		logVerifier, err := note.NewVerifier(os.Args[2])
		if err != nil {
			fail(err)
		}
		pub, err := base64.StdEncoding.DecodeString(os.Args[4])
		if err != nil {
			fail(err)
		}
		cosigner := newCosigner(os.Args[3], pub)
		msg, err := io.ReadAll(os.Stdin)
		if err != nil {
			fail(err)
		}
		n, err := note.Open(msg, note.VerifierList(logVerifier, cosigner))
		if err != nil {
			fail(err)
		}
		for _, sig := range n.Sigs {
			fmt.Println(sig.Name)
		}
		fmt.Println(*cosigner.stamp)
	case "prove":
		oldSize, err1 := strconv.ParseInt(os.Args[2], 10, 64)
		newSize, err2 := strconv.ParseInt(os.Args[3], 10, 64)
		if err1 != nil || err2 != nil {
			fail(errors.New("sizes must be decimal"))
		}
		var stored hashReader
		scanner := bufio.NewScanner(os.Stdin)
		for n := int64(0); scanner.Scan(); n++ {
			hs, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(scanner.Bytes()), stored)
			if err != nil {
				fail(err)
			}
			stored = append(stored, hs...)
		}
		root, err := tlog.TreeHash(newSize, stored)
		if err != nil {
			fail(err)
		}
		fmt.Println(base64.StdEncoding.EncodeToString(root[:]))
		proof, err := tlog.ProveTree(newSize, oldSize, stored)
		if err != nil {
			fail(err)
		}
		for _, h := range proof {
			fmt.Println(base64.StdEncoding.EncodeToString(h[:]))
		}
	default:
		fail(errors.New("unknown mode " + strings.Join(os.Args[1:], " ")))
	}
}

type hashReader []tlog.Hash

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = h[x]
	}
	return out, nil
}
