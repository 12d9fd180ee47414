// An independent check of asfverify's ledger output, written from the specs alone with Node's
// built-in crypto (no asfverify code): a C2SP signed-note checkpoint against a C2SP verifier key,
// and a c2sp.org/tlog-proof@v1 inclusion proof by the RFC 9162 §2.1.3.2 algorithm.
// Usage: node independent_verifier.js VKEY TLOG_PROOF_FILE LEAF_ENTRY_FILE
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const [vkey, proofFile, entryFile] = process.argv.slice(2);
const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();

// vkey: <name>+<hex key id>+<base64(0x01 || 32-byte Ed25519 key)>
const first = vkey.indexOf('+'), second = vkey.indexOf('+', first + 1);
const name = vkey.slice(0, first), keyHex = vkey.slice(first + 1, second);
const keyBytes = Buffer.from(vkey.slice(second + 1), 'base64');
if (keyBytes[0] !== 0x01 || keyBytes.length !== 33) throw new Error('not an Ed25519 vkey');
const expectId = sha256(Buffer.from(name + '\n'), keyBytes).subarray(0, 4);
if (expectId.toString('hex') !== keyHex) throw new Error('vkey id does not match its name and key');
const publicKey = crypto.createPublicKey({
  key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyBytes.subarray(1)]), format: 'der', type: 'spki',
});

// tlog-proof: header, index line, base64 path lines, a blank line, then the signed checkpoint note.
const proof = fs.readFileSync(proofFile, 'utf8');
const split = proof.indexOf('\n\n');
const head = proof.slice(0, split).split('\n');
const note = proof.slice(split + 2);
if (head[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
let line = 1;
if (head[line].startsWith('extra ')) line++;
const index = BigInt(head[line++].replace(/^index /, ''));
const path = head.slice(line).map((h) => Buffer.from(h, 'base64'));

// signed note: text, blank line, "— <name> <base64(key id || signature)>" lines; the last blank line separates.
const sep = note.lastIndexOf('\n\n');
const text = note.slice(0, sep + 1);
let verified = false;
for (const sigLine of note.slice(sep + 2).split('\n').filter(Boolean)) {
  const m = /^\u2014 (\S+) (\S+)$/.exec(sigLine);
  if (!m || m[1] !== name) continue;
  const raw = Buffer.from(m[2], 'base64');
  if (!raw.subarray(0, 4).equals(expectId)) continue;
  if (!crypto.verify(null, Buffer.from(text, 'utf8'), publicKey, raw.subarray(4))) throw new Error('checkpoint signature invalid');
  verified = true;
}
if (!verified) throw new Error('no signature by the given key');
const [origin, sizeText, rootB64] = text.split('\n');
const size = BigInt(sizeText), root = Buffer.from(rootB64, 'base64');

// RFC 9162 inclusion verification.
const leaf = sha256(Buffer.from([0]), fs.readFileSync(entryFile));
if (index >= size) throw new Error('index beyond tree size');
let fn = index, sn = size - 1n, r = leaf;
for (const p of path) {
  if (sn === 0n) throw new Error('path too long');
  if ((fn & 1n) === 1n || fn === sn) {
    r = sha256(Buffer.from([1]), p, r);
    if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
  } else {
    r = sha256(Buffer.from([1]), r, p);
  }
  fn >>= 1n; sn >>= 1n;
}
if (sn !== 0n || !r.equals(root)) throw new Error('inclusion proof does not reach the checkpoint root');
console.log(`OK ${origin} size ${size} index ${index}`);
