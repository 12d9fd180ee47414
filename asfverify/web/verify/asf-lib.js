// asfverify web verifier: the pure checks (no DOM). Written from the specs, not ported from a library:
// RFC 8259 + strict rules for parsing, RFC 8785 (JCS) for float-free JSON, W3C vc-di-eddsa
// eddsa-jcs-2022, did:key (multibase base58btc, multicodec 0xed01), RFC 9162 inclusion proofs,
// C2SP signed-note / tlog-checkpoint / tlog-proof / tlog-cosignature / tlog-policy, W3C Bitstring
// Status List. Runs in browsers with WebCrypto Ed25519 (Chromium >= 137, Firefox >= 129, Safari >= 17).
"use strict";

const AsfLib = (() => {
  const MAX_DEPTH = 64;
  const MAX_SAFE = Number.MAX_SAFE_INTEGER;
  const enc = new TextEncoder();

  class CheckError extends Error {
    // sv and en: the reason in both languages (the page shows Swedish first, English below).
    constructor(sv, en) { super(en); this.sv = sv; this.en = en; }
  }
  const fail = (sv, en) => { throw new CheckError(sv, en); };

  // ------------------------------------------------------------ strict JSON
  // A parser that refuses what the CLI refuses: duplicate keys, floats (a '.', 'e' or 'E' in a
  // number), integers beyond 2^53-1, NaN/Infinity, lone surrogates, and nesting beyond MAX_DEPTH.
  function parseStrict(text) {
    let i = 0;
    const n = text.length;
    const err = (what) => fail(`ogiltig JSON: ${what} (tecken ${i})`, `invalid JSON: ${what} (character ${i})`);
    const ws = () => { while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++; };
    const value = (depth) => {
      if (depth > MAX_DEPTH) fail("JSON är för djupt nästlad", "JSON nested too deeply");
      ws();
      const c = text[i];
      if (c === "{") return object(depth);
      if (c === "[") return array(depth);
      if (c === '"') return string();
      if (c === "t" && text.startsWith("true", i)) { i += 4; return true; }
      if (c === "f" && text.startsWith("false", i)) { i += 5; return false; }
      if (c === "n" && text.startsWith("null", i)) { i += 4; return null; }
      if (c === "-" || (c >= "0" && c <= "9")) return number();
      return err(c === undefined ? "unexpected end" : `unexpected ${JSON.stringify(c)}`);
    };
    const object = (depth) => {
      i++;
      const out = Object.create(null);
      const keys = new Set();
      ws();
      if (text[i] === "}") { i++; return toPlain(out, keys); }
      for (;;) {
        ws();
        if (text[i] !== '"') err("expected a key");
        const key = string();
        if (keys.has(key)) fail(`dubblerad JSON-nyckel ${JSON.stringify(key)}`, `duplicate JSON key ${JSON.stringify(key)}`);
        keys.add(key);
        ws();
        if (text[i] !== ":") err("expected ':'");
        i++;
        out[key] = value(depth + 1);
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return toPlain(out, keys); }
        err("expected ',' or '}'");
      }
    };
    const toPlain = (out, keys) => {
      // A plain object, with "__proto__" stored as an own property rather than a prototype change.
      const plain = {};
      for (const k of keys) Object.defineProperty(plain, k, { value: out[k], enumerable: true, writable: true, configurable: true });
      return plain;
    };
    const array = (depth) => {
      i++;
      const out = [];
      ws();
      if (text[i] === "]") { i++; return out; }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return out; }
        err("expected ',' or ']'");
      }
    };
    const string = () => {
      i++;
      let out = "";
      for (;;) {
        if (i >= n) err("unterminated string");
        const c = text.charCodeAt(i);
        if (c === 0x22) { i++; break; }
        if (c < 0x20) err("control character in string");
        if (c === 0x5c) {
          const e = text[i + 1];
          const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (e in simple) { out += simple[e]; i += 2; continue; }
          if (e === "u") {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) err("bad \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          err("bad escape");
        }
        out += text[i];
        i++;
      }
      if (!isWellFormed(out)) fail("ogiltig Unicode (ensamt surrogattecken)", "invalid Unicode (lone surrogate)");
      return out;
    };
    const number = () => {
      const m = /^-?(0|[1-9][0-9]*)([.eE][-+0-9.eE]*)?/.exec(text.slice(i, i + 400));
      if (!m) err("bad number");
      if (m[2]) fail(`decimaltal (${m[0]}) är inte tillåtna i signerade data`, `floating-point number ${m[0]} is not allowed`);
      const v = Number(m[0]);
      if (!Number.isSafeInteger(v) || Math.abs(v) > MAX_SAFE) fail(`heltalet ${m[0]} är större än 2^53-1`, `integer ${m[0]} is beyond 2^53-1`);
      i += m[0].length;
      return v;
    };
    const result = value(0);
    ws();
    if (i !== n) err("text after the JSON value");
    return result;
  }

  function isWellFormed(s) {
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(k + 1);
        if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
        k++;
      } else if (c >= 0xdc00 && c <= 0xdfff) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ RFC 8785 for float-free JSON
  // Keys sorted by UTF-16 code units (JavaScript's default string order), strings as
  // JSON.stringify writes them, integers in decimal, no whitespace.
  function jcs(v) {
    if (v === null || typeof v === "boolean") return JSON.stringify(v);
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) fail("endast heltal kan kanoniseras", "only safe integers can be canonicalised");
      return String(v);
    }
    if (typeof v === "string") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
    if (typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
    }
    return fail("värdet kan inte kanoniseras", "value cannot be canonicalised");
  }

  // ------------------------------------------------------------ encodings
  const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  function base58decode(s) {
    if (s.length > 200) fail("base58-värdet är för långt", "base58 value too long");
    let n = 0n;
    for (const ch of s) {
      const d = B58.indexOf(ch);
      if (d < 0) fail("ogiltigt base58-tecken", `invalid base58btc character ${JSON.stringify(ch)}`);
      n = n * 58n + BigInt(d);
    }
    const bytes = [];
    while (n > 0n) { bytes.unshift(Number(n & 0xffn)); n >>= 8n; }
    let zeros = 0;
    while (zeros < s.length && s[zeros] === "1") zeros++;
    return new Uint8Array([...new Array(zeros).fill(0), ...bytes]);
  }
  function base64decode(s, url = false) {
    let t = s;
    if (url) {
      if (/[^A-Za-z0-9_-]/.test(t)) fail("ogiltig base64url", "invalid base64url");
      t = t.replace(/-/g, "+").replace(/_/g, "/");
      while (t.length % 4) t += "=";
    } else if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) {
      fail("ogiltig base64", `invalid base64: ${t.slice(0, 40)}`);
    }
    let bin;
    try { bin = atob(t); } catch (e) { fail("ogiltig base64", "invalid base64"); }
    const out = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
    return out;
  }
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  const equal = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);

  function didKeyToPublic(did) {
    if (typeof did !== "string" || !did.startsWith("did:key:z") || did.length > 200) fail("utfärdaren är ingen did:key", "not a did:key");
    const raw = base58decode(did.slice("did:key:z".length).split("#")[0]);
    if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) fail("did:key är ingen Ed25519-nyckel", "did:key is not an Ed25519 multikey");
    return raw.slice(2);
  }

  // ------------------------------------------------------------ crypto (WebCrypto)
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const keyCache = new Map();
  async function ed25519Verify(publicKey, signature, message) {
    const id = hex(publicKey);
    let key = keyCache.get(id);
    if (!key) {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      keyCache.set(id, key);
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  // ------------------------------------------------------------ eddsa-jcs-2022 (vc-di-eddsa §3.3)
  const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  function checkProofShape(proof) {
    if (!proof || typeof proof !== "object" || Array.isArray(proof)) fail("beviset ska vara ett enda JSON-objekt", "proof must be a single JSON object");
    if (proof.type !== "DataIntegrityProof") fail("okänd bevistyp", `proof type ${JSON.stringify(proof.type)} is not DataIntegrityProof`);
    if (proof.cryptosuite !== "eddsa-jcs-2022") fail("okänd kryptosvit", `unknown cryptosuite ${JSON.stringify(proof.cryptosuite)}`);
    if (proof.proofPurpose !== "assertionMethod") fail("fel syfte för beviset", "proofPurpose is not assertionMethod");
    if (proof.created !== undefined && !(typeof proof.created === "string" && DATETIME.test(proof.created))) fail("beviset har ett ogiltigt datum", "proof created is not a dateTimeStamp");
    const value = proof.proofValue;
    if (typeof value !== "string" || !value.startsWith("z") || value.length > 128) fail("proofValue är inte base58btc", "proofValue must be a base58btc multibase string");
  }
  // The signer's 32-byte key when the document's proof verifies; CheckError otherwise.
  async function verifyDataIntegrity(secured) {
    if (!secured || typeof secured !== "object" || !("proof" in secured)) fail("dokumentet saknar bevis", "document has no proof");
    const proof = secured.proof;
    checkProofShape(proof);
    const signature = base58decode(proof.proofValue.slice(1));
    if (signature.length !== 64) fail("signaturen är inte 64 byte", "proofValue does not decode to a 64-byte Ed25519 signature");
    const vm = proof.verificationMethod;
    if (typeof vm !== "string" || !vm.startsWith("did:key:")) fail("verificationMethod är ingen did:key", "verificationMethod must be a did:key");
    const [did, fragment] = vm.split("#");
    if (fragment !== undefined && fragment !== did.slice("did:key:".length)) fail("verificationMethod pekar inte på nyckeln", "verificationMethod fragment does not name the did:key");
    const publicKey = didKeyToPublic(did);
    const unsecured = Object.assign({}, secured);
    delete unsecured.proof;
    const options = Object.assign({}, proof);
    delete options.proofValue;
    if ("@context" in options) {
      const pc = Array.isArray(options["@context"]) ? options["@context"] : [options["@context"]];
      const dc = Array.isArray(unsecured["@context"]) ? unsecured["@context"] : [unsecured["@context"]];
      if (jcs(dc.slice(0, pc.length)) !== jcs(pc)) fail("dokumentets @context börjar inte med bevisets", "the document's @context does not start with the proof's @context");
      unsecured["@context"] = options["@context"];
    }
    const data = concat(await sha256(enc.encode(jcs(options))), await sha256(enc.encode(jcs(unsecured))));
    if (!(await ed25519Verify(publicKey, signature, data))) {
      fail("signaturen stämmer inte: certifikatet eller beviset har ändrats", "signature does not verify: the credential or its proof was changed");
    }
    return publicKey;
  }

  // ------------------------------------------------------------ RFC 9162 Merkle trees
  const leafHash = (bytes) => sha256(concat(new Uint8Array([0]), bytes));
  const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));
  // RFC 9162 §2.1.3.2: the root computed from a leaf and its inclusion path, or null.
  async function rootFromInclusion(index, size, leaf, path) {
    if (index >= size) return null;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // ------------------------------------------------------------ C2SP notes, checkpoints, proofs
  const EM_DASH = "\u2014";
  function splitNote(note) {
    if (/[\x00-\x09\x0b-\x1f]/.test(note)) fail("kontrollpunkten innehåller styrtecken", "note contains control characters");
    const cut = note.lastIndexOf("\n\n");
    if (cut < 0) fail("kontrollpunkten saknar signaturer", "note has no signature block");
    const text = note.slice(0, cut + 1);
    const block = note.slice(cut + 2);
    if (!block.endsWith("\n")) fail("signaturblocket ska sluta med radbrytning", "note signature block must end with a newline");
    const signatures = block.slice(0, -1).split("\n").map((line) => {
      if (!line.startsWith(EM_DASH + " ")) fail("felaktig signaturrad", `malformed signature line ${line.slice(0, 40)}`);
      const fields = line.slice(2).split(" ");
      if (fields.length !== 2 || !fields[0] || /\+/.test(fields[0])) fail("felaktig signaturrad", `malformed signature line ${line.slice(0, 40)}`);
      const raw = base64decode(fields[1]);
      if (raw.length < 5) fail("för kort signatur", "signature too short");
      return { name: fields[0], keyId: raw.slice(0, 4), sig: raw.slice(4) };
    });
    if (signatures.length > 100) fail("för många signaturer", "note has too many signatures");
    return { text, signatures };
  }
  function parseCheckpoint(text) {
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || lines.some((l) => !l)) fail("kontrollpunkten saknar rader", "checkpoint needs origin, size and root hash lines");
    if (!/^(0|[1-9][0-9]{0,15})$/.test(lines[1])) fail("kontrollpunktens storlek är inget tal", "checkpoint size is not a decimal number");
    const root = base64decode(lines[2]);
    if (root.length !== 32) fail("rothashen är inte 32 byte", "checkpoint root hash is not 32 bytes");
    return { origin: lines[0], size: Number(lines[1]), root };
  }
  function parseTlogProof(text) {
    if (typeof text !== "string") fail("tlogProof saknas", "ledgerProof has no tlogProof text");
    const cut = text.indexOf("\n\n");
    if (cut < 0) fail("tlog-beviset saknar kontrollpunkt", "tlog-proof has no blank line before the checkpoint");
    const lines = text.slice(0, cut).split("\n");
    const note = text.slice(cut + 2);
    if (lines[0] !== "c2sp.org/tlog-proof@v1") fail("inget c2sp.org/tlog-proof@v1-bevis", "not a c2sp.org/tlog-proof@v1 proof");
    let rest = lines.slice(1);
    if (rest[0] && rest[0].startsWith("extra ")) rest = rest.slice(1);
    if (!rest[0] || !/^index (0|[1-9][0-9]{0,15})$/.test(rest[0])) fail("tlog-beviset saknar index", "tlog-proof has no index line");
    const index = Number(rest[0].slice(6));
    const path = rest.slice(1).map((l) => {
      const h = base64decode(l);
      if (h.length !== 32) fail("hash i beviset är inte 32 byte", "tlog-proof path hash is not 32 bytes");
      return h;
    });
    if (path.length > 64) fail("för långt inklusionsbevis", "inclusion path too long");
    if (!note) fail("tlog-beviset saknar kontrollpunkt", "tlog-proof has no checkpoint");
    return { index, path, note };
  }
  async function keyId(name, type, publicKey) {
    return (await sha256(concat(enc.encode(name + "\n"), new Uint8Array([type]), publicKey))).slice(0, 4);
  }
  // The signature lines of note by any of the Ed25519 log keys (type 0x01); CheckError if a
  // signature by a known key fails, or none of the keys signed.
  async function verifyNoteBy(note, publicKeys) {
    const { text, signatures } = splitNote(note);
    const message = enc.encode(text);
    const good = [];
    for (const s of signatures) {
      for (const pk of publicKeys) {
        if (!equal(s.keyId, await keyId(s.name, 0x01, pk))) continue;
        if (!(await ed25519Verify(pk, s.sig, message))) fail(`signaturen av ${s.name} stämmer inte`, `signature by ${s.name} does not verify`);
        good.push({ name: s.name, publicKey: pk });
      }
    }
    if (!good.length) fail("kontrollpunkten är inte signerad av en betrodd nyckel", "the checkpoint is not signed by a trusted key");
    return { text, good, signatures };
  }
  function parseVkey(vkey, type) {
    const parts = String(vkey).trim().split("+");
    if (parts.length < 3) fail("felaktig vkey", "malformed vkey");
    const name = parts[0], idHex = parts[1], raw = base64decode(parts.slice(2).join("+"));
    if (!/^[0-9a-f]{8}$/.test(idHex) || raw.length !== 33 || raw[0] !== type) fail("felaktig vkey", `vkey of ${name} is not of type ${type}`);
    return { name, keyIdHex: idHex, publicKey: raw.slice(1) };
  }

  // ------------------------------------------------------------ tlog-policy and cosignatures
  function parsePolicy(text) {
    const witnesses = new Map(), groups = new Map(), logs = [];
    let quorum = null;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      const f = line.split(/[ \t]+/);
      if (f[0] === "log") logs.push(parseVkey(f[1], 0x01));
      else if (f[0] === "witness" && f.length >= 3) witnesses.set(f[1], parseVkey(f[2], 0x04));
      else if (f[0] === "group" && f.length >= 4) {
        const members = f.slice(3);
        for (const m of members) if (!witnesses.has(m) && !groups.has(m)) fail("policyn nämner en okänd medlem", `policy group ${f[1]} names unknown ${m}`);
        const k = f[2] === "any" ? 1 : f[2] === "all" ? members.length : Number(f[2]);
        if (!Number.isInteger(k) || k < 1 || k > members.length) fail("ogiltigt gruppkrav i policyn", `policy group ${f[1]} has an invalid threshold`);
        groups.set(f[1], { k, members });
      } else if (f[0] === "quorum" && f.length === 2) {
        if (f[1] !== "none" && !witnesses.has(f[1]) && !groups.has(f[1])) fail("policyns kvorum är okänt", `policy quorum ${f[1]} is not defined`);
        quorum = f[1];
      } else fail("felaktig rad i vittnespolicyn", `malformed policy line: ${line.slice(0, 60)}`);
      if (witnesses.size + groups.size + logs.length > 768) fail("för stor policy", "policy too large");
    }
    if (quorum === null) fail("policyn saknar kvorum", "the policy has no quorum line");
    return { witnesses, groups, logs, quorum };
  }
  function quorumMet(policy, cosigned) {
    const met = (name) => {
      if (policy.witnesses.has(name)) return cosigned.has(name);
      const g = policy.groups.get(name);
      return g.members.filter(met).length >= g.k;
    };
    return policy.quorum === "none" || met(policy.quorum);
  }
  // Names (policy names) of the witnesses whose cosignature/v1 on the checkpoint text verifies, with times.
  async function verifyCosignatures(policy, text, signatures) {
    const found = new Map();
    for (const [name, w] of policy.witnesses) {
      const id = await keyId(w.name, 0x04, w.publicKey);
      for (const s of signatures) {
        if (s.name !== w.name || !equal(s.keyId, id) || s.sig.length !== 72) continue;
        let ts = 0n;
        for (let k = 0; k < 8; k++) ts = (ts << 8n) | BigInt(s.sig[k]);
        if (ts <= 0n) continue;
        const message = enc.encode(`cosignature/v1\ntime ${ts}\n${text}`);
        if (await ed25519Verify(w.publicKey, s.sig.slice(8), message)) found.set(name, Number(ts));
      }
    }
    return found;
  }

  // ------------------------------------------------------------ Bitstring Status List
  const MIN_ENTRIES = 131072;
  const MAX_LIST_BYTES = 16 * 1024 * 1024;
  async function inflate(bytes, format, limit) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format));
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      let r;
      try { r = await reader.read(); } catch (e) { fail("trasig komprimerad data", `not ${format} data`); }
      if (r.done) break;
      total += r.value.length;
      if (total > limit) { reader.cancel(); fail("packar upp till för mycket data", "inflates beyond the size limit"); }
      chunks.push(r.value);
    }
    return concat(...chunks);
  }
  async function decodeStatusList(encoded) {
    if (typeof encoded !== "string" || !encoded.startsWith("u")) fail("encodedList ska börja med 'u'", "encodedList must be a multibase base64url string starting with 'u'");
    if (encoded.length > 4 * 1024 * 1024) fail("spärrlistan är för stor", "encodedList too large");
    const bits = await inflate(base64decode(encoded.slice(1), true), "gzip", MAX_LIST_BYTES);
    if (bits.length * 8 < MIN_ENTRIES) fail("spärrlistan är för kort", `status list has fewer than ${MIN_ENTRIES} entries`);
    return bits;
  }
  const bitIsSet = (bits, index) => {
    if (index < 0 || index >= bits.length * 8) fail("indexet ligger utanför listan", `statusListIndex ${index} is outside the list`);
    return (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
  };

  // ------------------------------------------------------------ PDF: the embedded certifikat.json
  // Finds /Type /EmbeddedFile stream objects in the raw bytes (fpdf2 writes them uncompressed
  // object dictionaries, the stream itself FlateDecode or plain) and returns the first one that
  // parses as JSON. Bounded: at most 32 candidates, each inflated to at most `limit` bytes.
  async function pdfEmbeddedJson(bytes, limit) {
    const latin = new TextDecoder("latin1").decode(bytes);
    const found = [];
    const re = /\/Type\s*\/EmbeddedFile\b/g;
    let m;
    while ((m = re.exec(latin)) && found.length < 32) {
      const objStart = latin.lastIndexOf(" obj", m.index);
      const streamAt = latin.indexOf("stream", m.index);
      if (objStart < 0 || streamAt < 0) continue;
      const dict = latin.slice(objStart, streamAt);
      let start = streamAt + 6;
      if (latin[start] === "\r") start++;
      if (latin[start] === "\n") start++;
      const len = /\/Length\s+(\d{1,9})(?!\s+\d+\s+R)/.exec(dict);
      let end = len ? start + Number(len[1]) : latin.indexOf("endstream", start);
      if (end < start || end > bytes.length) continue;
      let body = bytes.slice(start, end);
      if (/\/Filter\s*\/FlateDecode/.test(dict)) body = await inflate(body, "deflate", limit);
      else if (/\/Filter/.test(dict)) continue;
      if (body.length > limit) continue;
      found.push(body);
    }
    return found;
  }

  return {
    CheckError, fail, parseStrict, jcs, base58decode, base64decode, hex, concat, equal, didKeyToPublic, sha256,
    ed25519Verify, verifyDataIntegrity, checkProofShape, leafHash, rootFromInclusion, splitNote, parseCheckpoint,
    parseTlogProof, verifyNoteBy, parseVkey, parsePolicy, quorumMet, verifyCosignatures, decodeStatusList,
    bitIsSet, pdfEmbeddedJson, inflate, DATETIME,
  };
})();

if (typeof module !== "undefined") module.exports = AsfLib;
