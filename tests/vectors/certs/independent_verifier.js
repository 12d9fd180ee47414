// An independent eddsa-jcs-2022 verifier (W3C vc-di-eddsa REC, "Verify Proof"), written from the spec
// with Node's built-in crypto only, to check asfverify's certificates outside Python.
// Usage: node independent_verifier.js FILE.json   -> prints "valid <did>" and exits 0, or exits 1.
"use strict";
const crypto = require("crypto");
const fs = require("fs");

// RFC 8785: ECMAScript serialisation of primitives, object keys in UTF-16 code-unit order.
function jcs(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map(jcs).join(",") + "]";
  const keys = Object.keys(value).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + jcs(value[k])).join(",") + "}";
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function base58btc(text) {
  let n = 0n;
  for (const c of text) {
    const i = ALPHABET.indexOf(c);
    if (i < 0) throw new Error("bad base58 character");
    n = n * 58n + BigInt(i);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const zeros = text.length - text.replace(/^1+/, "").length;
  return Buffer.concat([Buffer.alloc(zeros), n === 0n ? Buffer.alloc(0) : Buffer.from(hex, "hex")]);
}

function didKeyPublic(vm) {
  const mb = vm.split("#")[0].replace(/^did:key:/, "");
  if (mb[0] !== "z") throw new Error("not base58btc");
  const raw = base58btc(mb.slice(1));
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error("not an Ed25519 multikey");
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw.subarray(2)]);
  return crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
}

const sha256 = (text) => crypto.createHash("sha256").update(Buffer.from(text, "utf8")).digest();

function verify(doc) {
  const { proof, ...unsecured } = doc;
  if (!proof || proof.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-jcs-2022") return false;
  const { proofValue, ...options } = proof;
  if (options["@context"] !== undefined) {
    const want = [].concat(options["@context"]), have = [].concat(unsecured["@context"]);
    if (want.some((c, i) => JSON.stringify(c) !== JSON.stringify(have[i]))) return false;
    unsecured["@context"] = options["@context"];
  }
  const data = Buffer.concat([sha256(jcs(options)), sha256(jcs(unsecured))]);
  const signature = base58btc(proofValue.slice(1));
  return crypto.verify(null, data, didKeyPublic(options.verificationMethod), signature);
}

const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
if (verify(doc)) {
  console.log("valid " + doc.proof.verificationMethod.split("#")[0]);
} else {
  console.log("invalid");
  process.exit(1);
}
