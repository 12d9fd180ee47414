// asfverify web verifier: the page. Runs the numbered steps of `asfverify verify` against the files
// this site publishes (issuer.json, trust-list.json, status/*.json, witness-policy.txt). Nothing is
// uploaded and nothing outside this site's origin is fetched (the CSP says so too).
"use strict";

(() => {
  const L = AsfLib;
  const V2 = "https://www.w3.org/ns/credentials/v2";
  const ASF_CONTEXT = "https://w3id.org/asfverify/contexts/asf-v1.jsonld";
  const MAX_BYTES = 10 * 1000 * 1000; // as the CLI: larger files are not certificates
  const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const enc = new TextEncoder();

  // The numbered steps, as certs/verify.py STEPS (9 and 10 follow the CLI's witness and suspension steps).
  const STEPS = [
    { n: 1, id: "parse", sv: "Läsning och format", en: "parse" },
    { n: 2, id: "proof", sv: "Signatur (eddsa-jcs-2022)", en: "proof" },
    { n: 3, id: "issuer trusted", sv: "Betrodd utfärdare", en: "issuer trusted" },
    { n: 4, id: "validity", sv: "Giltighetstid", en: "validity" },
    { n: 5, id: "ledger entry", sv: "Post i registret", en: "ledger entry" },
    { n: 6, id: "ledger inclusion", sv: "Ingår i den publika loggen", en: "ledger inclusion" },
    { n: 7, id: "checkpoint signature", sv: "Loggens kontrollpunkt är signerad", en: "checkpoint signature" },
    { n: 8, id: "revocation", sv: "Inte återkallat", en: "revocation" },
    { n: 9, id: "witness quorum", sv: "Bevittnad av oberoende vittnen", en: "witness quorum" },
    { n: 10, id: "suspension", sv: "Inte tillfälligt avstängt", en: "suspension" },
  ];
  const OUTCOME_TEXT = { ok: ["OK", "OK"], fail: ["FEL", "FAIL"], skip: ["Ej kontrollerat", "not checked"] };

  const $ = (id) => document.getElementById(id);
  const siteRoot = new URL("../", location.href);
  const main = document.querySelector("main");

  // ------------------------------------------------------------ fetching, confined to this site
  function sitePath(path) {
    // Any URL the page fetches: same origin, under the site's root, no credentials, no redirects.
    let url;
    try { url = new URL(path, siteRoot); } catch (e) { return null; }
    if (url.origin !== location.origin || !url.pathname.startsWith(siteRoot.pathname)) return null;
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    url.hash = "";
    return url;
  }
  async function fetchBytes(url, limit = MAX_BYTES) {
    let response;
    try {
      response = await fetch(url, { redirect: "error", credentials: "omit", cache: "no-cache" });
    } catch (e) {
      return { error: ["kunde inte hämtas", "could not be fetched"] };
    }
    if (response.status === 404) return { missing: true };
    if (!response.ok) return { error: [`svarade ${response.status}`, `answered ${response.status}`] };
    const declared = Number(response.headers.get("content-length") || 0);
    if (declared > limit) return { error: ["är för stor", "is too large"] };
    const reader = response.body.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      total += r.value.length;
      if (total > limit) { reader.cancel(); return { error: ["är för stor", "is too large"] }; }
      chunks.push(r.value);
    }
    return { bytes: L.concat(...chunks) };
  }
  async function fetchJson(path) {
    const url = sitePath(path);
    const got = await fetchBytes(url);
    if (!got.bytes) return got;
    try {
      return { value: L.parseStrict(new TextDecoder("utf-8", { fatal: true }).decode(got.bytes)), url: url.href };
    } catch (e) {
      return { error: [`är ogiltig: ${e.sv || "inte JSON"}`, `is invalid: ${e.en || "not JSON"}`] };
    }
  }

  // The site's public files, fetched once when the page opens (not part of the timed verification).
  let site = null;
  async function loadSite() {
    const [issuer, trustList, revocation, suspension, policy] = await Promise.all([
      // The trust list counts only with the scheme owner's key (set by publish); otherwise it is not fetched.
      fetchJson("issuer.json"), main.dataset.trustListKey ? fetchJson("trust-list.json") : Promise.resolve({ missing: true }),
      fetchJson("status/revocation.json"),
      fetchJson("status/suspension.json"), fetchBytes(sitePath("witness-policy.txt"), 256 * 1024),
    ]);
    const text = policy.bytes ? new TextDecoder().decode(policy.bytes) : null;
    return { issuer, trustList, lists: { revocation, suspension }, policyText: text, loadedAt: new Date() };
  }
  const sitePromise = loadSite().then((s) => { site = s; return s; });

  // ------------------------------------------------------------ the steps
  const say = (sv, en) => ({ sv, en });
  const expect = (cond, sv, en) => { if (!cond) L.fail(sv, en); };
  const time = (text) => {
    expect(typeof text === "string" && L.DATETIME.test(text), "ogiltigt datum", `${JSON.stringify(text)} is not a dateTimeStamp`);
    return new Date(text);
  };
  const issuerId = (c) => (c.issuer && typeof c.issuer === "object" ? c.issuer.id : c.issuer);
  const statusEntries = (c) => (Array.isArray(c.credentialStatus) ? c.credentialStatus : c.credentialStatus ? [c.credentialStatus] : []);
  const inPeriod = (at, from, until) => (from == null || at >= new Date(from)) && (until == null || at <= new Date(until));

  // Which local file a URL named in the certificate is: only URLs under this site's publish prefix.
  function localFor(url, state) {
    const prefix = state.prefix;
    if (typeof url !== "string" || !prefix) return null;
    if (!url.startsWith(prefix + "/")) return null;
    return url.slice(prefix.length + 1);
  }

  async function stepParse(s) {
    const c = s.cert;
    expect(c && typeof c === "object" && !Array.isArray(c), "certifikatet är inget JSON-objekt", "the certificate is not a JSON object");
    const ctx = c["@context"];
    expect(Array.isArray(ctx) && ctx[0] === V2, `@context ska börja med ${V2}`, `@context must start with ${V2}`);
    expect(ctx.length === 1 || (ctx.length === 2 && ctx[1] === ASF_CONTEXT), `@context får bara lägga till ${ASF_CONTEXT}`,
      `@context may only add ${ASF_CONTEXT} after ${V2}`);
    expect(Array.isArray(c.type) && c.type.includes("VerifiableCredential") && c.type.includes("AsfCertificate"),
      "fel typ: inget ASF-certifikat", "type must include VerifiableCredential and AsfCertificate");
    expect(typeof c.id === "string" && URN_UUID.test(c.id), "id är inget urn:uuid", "id is not a urn:uuid");
    const did = issuerId(c);
    s.issuerKey = L.didKeyToPublic(did);
    s.did = did;
    expect(c.credentialSubject && typeof c.credentialSubject === "object", "credentialSubject saknas", "credentialSubject is missing");
    expect(c.ledgerProof && typeof c.ledgerProof === "object", "ledgerProof saknas", "ledgerProof is missing");
    L.checkProofShape(c.proof);
    L.jcs(c);
    const who = `${String(c.credentialSubject.name).slice(0, 120)} (${String(c.credentialSubject.orgNumber).slice(0, 20)})`;
    return say(`certifikat ${c.id} för ${who}`, `certificate ${c.id} for ${who}`);
  }

  async function stepProof(s) {
    const signer = await L.verifyDataIntegrity(s.cert);
    expect(L.equal(signer, s.issuerKey), "beviset är inte gjort med utfärdarens nyckel", "the proof's verificationMethod is not the issuer's key");
    expect(L.jcs(s.cert.proof["@context"]) === L.jcs(s.cert["@context"]), "@context skiljer sig från bevisets", "@context differs from the proof's @context");
    s.proofOk = true;
    return say(`signerat av ${s.did}, ${s.cert.proof.created || ""}`, `eddsa-jcs-2022 signature by ${s.did}, created ${s.cert.proof.created || "?"}`);
  }

  async function trustFromList(s) {
    const key = main.dataset.trustListKey;
    const got = site.trustList;
    if (!key) return null;
    // A page that names the scheme owner's key trusts the list only, never the site's own issuer.json.
    expect(got.value, "webbplatsen publicerar ingen giltig förtroendelista (trust-list.json)",
      "this site publishes no valid trust list (trust-list.json)");
    const list = got.value;
    const signer = await L.verifyDataIntegrity(list);
    expect(L.equal(signer, L.didKeyToPublic(key)), "förtroendelistan är inte signerad av ägaren", "the trust list is not signed by the scheme owner's key");
    expect(Array.isArray(list.type) && list.type.includes("AsfTrustList"), "ingen förtroendelista", "not an AsfTrustList");
    expect(list.validUntil == null || s.at <= time(list.validUntil), "förtroendelistan har gått ut", "the trust list has expired");
    const created = new Date(s.cert.proof.created || s.cert.validFrom);
    const criteriaSet = s.cert.credentialSubject.criteriaSet;
    for (const certifier of (list.credentialSubject && list.credentialSubject.certifiers) || []) {
      const k = (certifier.keys || []).find((x) => x.id === s.did);
      if (!k) continue;
      expect(inPeriod(created, k.validFrom, k.validUntil), "nyckeln gällde inte när certifikatet signerades", "the signing key was not valid when the proof was created");
      const ok = (certifier.accreditations || []).some((a) => (a.criteriaSets || []).includes(criteriaSet)
        && new Date(a.validFrom) <= created && (a.validUntil == null || created < new Date(a.validUntil)));
      expect(ok, `utfärdaren är inte ackrediterad för ${criteriaSet}`, `the issuer is not accredited for ${criteriaSet} at that time`);
      return { name: certifier.name, keys: certifier.keys, register: certifier.register, policy: certifier.witnessPolicy,
        source: say("förtroendelistan (signerad av ordningens ägare)", "the trust list (signed by the scheme owner)") };
    }
    L.fail(`utfärdaren ${s.did} finns inte på förtroendelistan`, `the issuer ${s.did} is not on the trust list`);
  }

  async function trustFromIssuer(s) {
    const got = site.issuer;
    expect(got.value, "webbplatsen publicerar ingen issuer.json", "this site publishes no issuer.json");
    const doc = got.value;
    expect(doc.type === "AsfIssuerDescription", "issuer.json har fel typ", "issuer.json is not an AsfIssuerDescription");
    const signer = await L.verifyDataIntegrity(doc);
    expect(L.equal(signer, L.didKeyToPublic(doc.id)), "issuer.json är inte signerad av sin nyckel", "issuer.json is not signed by its own key");
    const created = new Date(s.cert.proof.created || s.cert.validFrom);
    const k = (doc.keys || []).find((x) => x.id === s.did);
    expect(k, `utfärdaren ${s.did} är inte denna webbplats certifierare`, `the issuer ${s.did} is not this site's certifier (issuer.json)`);
    expect(inPeriod(created, k.validFrom, k.validUntil), "nyckeln gällde inte när certifikatet signerades", "the signing key was not valid when the proof was created");
    return { name: doc.name, keys: doc.keys, register: doc.register, policy: doc.witnessPolicy,
      source: say("webbplatsens issuer.json", "this site's issuer.json") };
  }

  async function stepTrusted(s) {
    const trust = (await trustFromList(s)) || (await trustFromIssuer(s));
    s.trust = trust;
    s.trustedKeys = [s.issuerKey, ...(trust.keys || []).map((k) => L.didKeyToPublic(k.id))];
    if (trust.register && trust.register.vkey) s.trustedKeys.push(L.parseVkey(trust.register.vkey, 0x01).publicKey);
    return say(`${trust.name} enligt ${trust.source.sv}`, `${trust.name}, according to ${trust.source.en}`);
  }

  async function stepValidity(s) {
    const from = time(s.cert.validFrom), until = time(s.cert.validUntil);
    expect(from <= until, "validUntil ligger före validFrom", "validUntil is before validFrom");
    const when = s.at.toISOString().replace(/\.\d+Z$/, "Z");
    expect(s.at >= from, `gäller inte ännu (från ${s.cert.validFrom})`, `not yet valid at ${when} (valid from ${s.cert.validFrom})`);
    expect(s.at <= until, `UTGÅNGET: giltigt till ${s.cert.validUntil}`, `expired at ${when} (valid until ${s.cert.validUntil})`);
    return say(`giltigt ${s.cert.validFrom} – ${s.cert.validUntil}`, `valid from ${s.cert.validFrom} until ${s.cert.validUntil} (checked at ${when})`);
  }

  async function stepEntry(s) {
    const c = s.cert, proof = c.ledgerProof, entry = proof.entry;
    expect(proof.type === "TlogInclusion", "ledgerProof har fel typ", "ledgerProof type is not TlogInclusion");
    expect(entry && typeof entry === "object" && entry.kind === "certificate", "posten är ingen certifikatpost", "ledgerProof entry is not a certificate entry");
    expect(entry.cert_id === c.id, "posten gäller ett annat certifikat", "the ledger entry records another certificate id");
    const core = Object.assign({}, c);
    delete core.proof;
    delete core.ledgerProof;
    const digest = L.hex(await L.sha256(enc.encode(L.jcs(core))));
    expect(entry.credential_sha256 === digest, "postens kontrollsumma stämmer inte med certifikatet", "the ledger entry's credential digest does not match this credential");
    for (const [k, v] of [["valid_from", c.validFrom], ["valid_until", c.validUntil]]) {
      if (k in entry) expect(entry[k] === v, "postens giltighetstid skiljer sig", "the ledger entry's validity differs from the credential's");
    }
    const revocation = statusEntries(c).find((e) => e && e.statusPurpose === "revocation");
    if ("status_index" in entry && revocation) {
      expect(String(entry.status_index) === String(revocation.statusListIndex), "postens statusindex skiljer sig", "the ledger entry's status index differs from the credential's");
    }
    return say(`posten har certifikatets kontrollsumma ${digest.slice(0, 16)}…`, `entry holds credential digest ${digest.slice(0, 16)}…`);
  }

  async function stepInclusion(s) {
    const { index, path, note } = L.parseTlogProof(s.cert.ledgerProof.tlogProof);
    const { text } = L.splitNote(note);
    const checkpoint = L.parseCheckpoint(text);
    const leaf = await L.leafHash(enc.encode(L.jcs(s.cert.ledgerProof.entry)));
    const root = await L.rootFromInclusion(index, checkpoint.size, leaf, path);
    expect(root && L.equal(root, checkpoint.root), "posten leder inte till kontrollpunktens rot",
      `the entry's leaf hash does not lead to the checkpoint root (index ${index}, tree size ${checkpoint.size})`);
    s.checkpoint = checkpoint;
    s.note = note;
    return say(`post ${index} i ett träd med ${checkpoint.size} poster (${checkpoint.origin})`, `leaf ${index} included in tree of size ${checkpoint.size} (${checkpoint.origin})`);
  }

  async function stepCheckpoint(s) {
    const { note } = L.parseTlogProof(s.cert.ledgerProof.tlogProof);
    const keys = s.trustedKeys || [s.issuerKey];
    const { text, good, signatures } = await L.verifyNoteBy(note, keys);
    s.noteText = text;
    s.noteSignatures = signatures;
    const checkpoint = L.parseCheckpoint(text);
    return say(`kontrollpunkt med ${checkpoint.size} poster, signerad av ${good[0].name}`, `checkpoint of size ${checkpoint.size} signed by ${good[0].name}`);
  }

  // The suspension entry: the certificate's own, else (as the register publishes them) the
  // revocation entry's index in the suspension list beside the revocation list.
  function suspensionEntry(c) {
    const own = statusEntries(c).find((e) => e && typeof e === "object" && e.statusPurpose === "suspension");
    if (own) return own;
    const rev = statusEntries(c).find((e) => e && typeof e === "object" && e.statusPurpose === "revocation");
    if (!rev || typeof rev.statusListCredential !== "string" || !rev.statusListCredential.endsWith("/status/revocation.json")) return null;
    const list = rev.statusListCredential.replace(/revocation\.json$/, "suspension.json");
    return { type: rev.type, statusPurpose: "suspension", statusListIndex: rev.statusListIndex, statusListCredential: list };
  }

  async function statusStep(s, purpose) {
    const entry = purpose === "suspension" ? suspensionEntry(s.cert)
      : statusEntries(s.cert).find((e) => e && typeof e === "object" && e.statusPurpose === purpose);
    if (!entry) {
      if (purpose === "suspension") {
        return { skip: say("certifikatet har ingen lista för tillfällig avstängning (utfärdat före den funktionen)",
          "not checked: the certificate names no suspension list (issued before suspensions)") };
      }
      L.fail("certifikatet saknar spärrpost", "the certificate has no revocation status entry");
    }
    if (purpose === "suspension" && !statusEntries(s.cert).some((e) => e && e.statusPurpose === "suspension")
        && site.lists.suspension.missing) {
      return { skip: say("webbplatsen publicerar ingen lista för tillfällig avstängning", "not checked: this site publishes no suspension list") };
    }
    expect(entry.type === "BitstringStatusListEntry", "fel typ av statuspost", "the status entry is not a BitstringStatusListEntry");
    expect(typeof entry.statusListIndex === "string" && /^[0-9]{1,9}$/.test(entry.statusListIndex), "statusListIndex är inget tal", "statusListIndex is not a decimal string");
    const local = localFor(entry.statusListCredential, s);
    expect(local, `statuslistan ${entry.statusListCredential} finns inte på denna webbplats; verifiera certifikatet på utfärdarens webbplats`,
      `the status list ${entry.statusListCredential} is not on this site; verify the certificate on its issuer's site`);
    const got = local === `status/${purpose}.json` ? site.lists[purpose] : null;
    expect(got && !got.missing, `webbplatsen publicerar ingen ${local}`, `this site publishes no ${local}`);
    expect(!got.error, `${local} ${got.error ? got.error[0] : ""}`, `${local} ${got.error ? got.error[1] : ""}`);
    const list = got.value;
    expect(Array.isArray(list.type) && list.type.includes("BitstringStatusListCredential"), "ingen statuslista", "the status list is not a BitstringStatusListCredential");
    expect(list.id === entry.statusListCredential, "statuslistan är inte certifikatets", "the status list is not the certificate's");
    const signer = await L.verifyDataIntegrity(list);
    const trusted = (s.trustedKeys || [s.issuerKey]).some((k) => L.equal(k, signer));
    expect(trusted, "statuslistan är signerad av en obetrodd nyckel", "the status list is signed by a key that is not trusted");
    const listed = time(list.validFrom);
    expect(listed >= time(s.cert.validFrom), "statuslistan är äldre än certifikatet", `the status list (${list.validFrom}) is older than the certificate`);
    if (list.validUntil != null) expect(s.at <= time(list.validUntil), "statuslistan har gått ut", "the status list has expired");
    const subject = list.credentialSubject || {};
    expect(subject.statusPurpose === purpose, `statuslistan gäller inte ${purpose}`, `the status list is not for ${purpose}`);
    const bits = await L.decodeStatusList(subject.encodedList);
    s.lists = s.lists || {};
    s.lists[purpose] = { url: got.url, validFrom: list.validFrom, validUntil: list.validUntil };
    const index = Number(entry.statusListIndex);
    if (L.bitIsSet(bits, index)) {
      if (purpose === "revocation") L.fail(`ÅTERKALLAT: index ${index} är satt i listan från ${list.validFrom}`, `REVOKED: index ${index} is set in the status list of ${list.validFrom}`);
      L.fail(`TILLFÄLLIGT AVSTÄNGT: index ${index} är satt i listan från ${list.validFrom}`, `SUSPENDED: index ${index} is set in the status list of ${list.validFrom}`);
    }
    return purpose === "revocation"
      ? say(`inte återkallat (lista från ${list.validFrom})`, `not revoked (status list of ${list.validFrom}, index ${index})`)
      : say(`inte avstängt (lista från ${list.validFrom})`, `not suspended (status list of ${list.validFrom}, index ${index})`);
  }

  async function stepWitness(s) {
    const text = (s.trust && s.trust.policy) || site.policyText;
    if (!text) return { skip: say("webbplatsen publicerar ingen vittnespolicy", "not checked: this site publishes no witness policy") };
    const policy = L.parsePolicy(text);
    const found = await L.verifyCosignatures(policy, s.noteText, s.noteSignatures);
    s.witnesses = found;
    const newest = found.size ? Math.max(...found.values()) : null;
    s.cosignedAt = newest ? new Date(newest * 1000) : null;
    expect(L.quorumMet(policy, new Set(found.keys())), `OBEVITTNAT: ${found.size} vittnen har kontrasignerat, kvorum ${policy.quorum} nås inte`,
      `UNWITNESSED: ${found.size} witness(es) cosigned, the quorum ${policy.quorum} is not met`);
    if (policy.quorum === "none") return say("policyn kräver inga vittnen", "the policy requires no witnesses");
    return say(`${found.size} vittnen har kontrasignerat (${[...found.keys()].join(", ")})`, `${found.size} witness(es) cosigned (${[...found.keys()].join(", ")})`);
  }

  const CHECKS = {
    parse: stepParse, proof: stepProof, "issuer trusted": stepTrusted, validity: stepValidity, "ledger entry": stepEntry,
    "ledger inclusion": stepInclusion, "checkpoint signature": stepCheckpoint,
    revocation: (s) => statusStep(s, "revocation"), "witness quorum": stepWitness, suspension: (s) => statusStep(s, "suspension"),
  };

  // Every step in order; a failed parse stops the rest (as the CLI). Never throws.
  async function runSteps(cert, parseProblem) {
    const s = { cert, at: new Date(), prefix: null };
    const issuer = site.issuer.value;
    if (issuer && typeof issuer.publishPrefix === "string") s.prefix = issuer.publishPrefix.replace(/\/+$/, "");
    const results = [];
    for (const step of STEPS) {
      if (step.n > 1 && results[0].outcome !== "ok") break;
      if (step.n === 1 && parseProblem) { results.push({ step, outcome: "fail", detail: parseProblem }); continue; }
      try {
        const out = await CHECKS[step.id](s);
        if (out && out.skip) results.push({ step, outcome: "skip", detail: out.skip });
        else results.push({ step, outcome: "ok", detail: out });
      } catch (e) {
        const detail = e instanceof L.CheckError ? say(e.sv, e.en) : say("felaktigt certifikat", `malformed certificate (${e && e.name}: ${e && e.message})`);
        results.push({ step, outcome: "fail", detail });
      }
    }
    return { s, results };
  }

  // ------------------------------------------------------------ rendering (textContent only)
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c != null) node.append(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  }
  const en = (text, tag = "span") => el(tag, { lang: "en", class: "en" }, text);
  function ago(date) {
    if (!date || Number.isNaN(date.getTime())) return say("okänd", "unknown");
    const minutes = Math.max(0, Math.round((Date.now() - date.getTime()) / 60000));
    if (minutes < 120) return say(`${minutes} minuter gammal`, `${minutes} minutes old`);
    const hours = Math.round(minutes / 60);
    if (hours < 72) return say(`${hours} timmar gammal`, `${hours} hours old`);
    const days = Math.round(hours / 24);
    return say(`${days} dagar gammal`, `${days} days old`);
  }

  function showMessage(sv, enText) {
    const box = $("message");
    box.replaceChildren(el("p", {}, sv), en(enText, "p"));
    box.hidden = false;
  }
  function clearMessage() { const box = $("message"); box.hidden = true; box.replaceChildren(); }

  function render(outcome, source) {
    const { s, results } = outcome;
    const valid = results.length === STEPS.length && results.every((r) => r.outcome !== "fail");
    const list = $("steps");
    list.replaceChildren(...results.map((r) => {
      const [sv, enWord] = OUTCOME_TEXT[r.outcome];
      return el("li", { "data-step": String(r.step.n), "data-outcome": r.outcome, class: `step ${r.outcome}` },
        el("span", { class: "badge" }, sv, en(enWord)),
        el("span", { class: "name" }, `${r.step.n}. ${r.step.sv}`, en(r.step.en)),
        el("span", { class: "detail" }, r.detail.sv, en(r.detail.en)));
    }));
    const failed = results.find((r) => r.outcome === "fail");
    const verdict = $("verdict");
    if (valid) {
      verdict.replaceChildren("Certifikatet är giltigt", en("The certificate is valid"));
    } else {
      verdict.replaceChildren(`Certifikatet är INTE giltigt (steg ${failed.step.n}: ${failed.step.sv})`,
        en(`The certificate is NOT valid (step ${failed.step.n}: ${failed.step.en})`));
    }
    renderFacts(s, valid);
    renderChecked(s, source);
    main.dataset.verdict = valid ? "valid" : "invalid";
    $("result").hidden = false;
    verdict.focus();
  }

  function renderFacts(s, valid) {
    const c = s.cert;
    const box = $("facts"), lou = $("lou");
    const subject = c && typeof c === "object" && c.credentialSubject && typeof c.credentialSubject === "object" ? c.credentialSubject : null;
    if (!subject) { box.hidden = true; lou.hidden = true; return; }
    const rows = [
      ["Organisation", "organisation", String(subject.name ?? "")],
      ["Organisationsnummer", "organisation number", String(subject.orgNumber ?? "")],
      ["Certifierare", "certifier", s.trust ? `${s.trust.name} (${s.trust.source.sv})` : "okänd – inte betrodd / unknown, not trusted"],
      ["Kriterier", "criteria set", String(subject.criteriaSet ?? "")],
      ["Giltigt", "valid", `${c.validFrom} – ${c.validUntil}`],
      ["Certifikat-id", "certificate id", String(c.id ?? "")],
    ];
    $("facts-list").replaceChildren(...rows.flatMap(([sv, e, v]) => [el("dt", {}, sv, en(e)), el("dd", {}, v)]));
    const criteria = Array.isArray(subject.criteria) ? subject.criteria : [];
    $("criteria").replaceChildren(...criteria.map((k) => {
      const code = typeof k.code === "string" ? k.code : String(k.id ?? "").split("#").pop();
      const reviewed = (k.requirements || []).filter((r) => r && (r.decidedBy === "review" || r.reviewed === true))
        .map((r) => (typeof r.code === "string" ? r.code : String(r.id ?? "").split("#").pop()));
      const word = k.outcome === "pass" ? ["uppfyllt", "met"] : [String(k.outcome), String(k.outcome)];
      return el("li", {}, `${code}: ${word[0]}`, reviewed.length ? ` – avgjort vid manuell granskning: ${reviewed.join(", ")}` : "",
        en(`${code}: ${word[1]}${reviewed.length ? ` – decided by human review: ${reviewed.join(", ")}` : ""}`));
    }));
    box.hidden = false;
    const facts = subject.louFacts;
    if (facts && typeof facts === "object") {
      const items = [];
      if (facts.purposeMet === true) items.push(["Verksamhetskravet (syfte)", "purpose", "social och yrkesmässig integration (C1 uppfyllt)", "social and vocational integration (C1 met)"]);
      if (Number.isInteger(facts.sharePercent)) {
        items.push(["Andel sysselsatta i målgruppen", "share of people employed in the target group",
          `${facts.sharePercent} % (${facts.peopleInTargetGroup} av ${facts.peopleEmployed})`, `${facts.sharePercent} % (${facts.peopleInTargetGroup} of ${facts.peopleEmployed})`]);
        items.push(["Andelskravet minst 30 %", "at least 30 % (andelskravet)", facts.sharePercent >= 30 ? "ja" : "nej", facts.sharePercent >= 30 ? "yes" : "no"]);
      }
      items.push(["Referensdag", "reference date", String(facts.referenceDate ?? ""), String(facts.referenceDate ?? "")]);
      $("lou-list").replaceChildren(...items.flatMap(([sv, e, v, ve]) => [el("dt", {}, sv, en(e)), el("dd", {}, v, en(ve))]));
      $("lou-note").replaceChildren(valid ? "Uppgifterna är en del av det signerade certifikatet." : "Certifikatet är inte giltigt: lita inte på uppgifterna.",
        en(valid ? "These facts are part of the signed certificate." : "The certificate is not valid: do not rely on these facts."));
      lou.hidden = false;
    } else lou.hidden = true;
  }

  function renderChecked(s, source) {
    const items = [
      [`Kontrollerat ${new Date().toLocaleString("sv-SE")}`, `Checked at ${new Date().toISOString()}`],
      [`Certifikat: ${source}`, `Certificate: ${source}`],
      [`Sida: ${location.origin}${location.pathname}`, `Page: ${location.origin}${location.pathname}`],
    ];
    for (const purpose of ["revocation", "suspension"]) {
      const l = s.lists && s.lists[purpose];
      if (!l) continue;
      const age = ago(new Date(l.validFrom));
      const name = purpose === "revocation" ? ["Spärrlista", "Revocation list"] : ["Avstängningslista", "Suspension list"];
      items.push([`${name[0]}: ${l.url}, ${age.sv}`, `${name[1]}: ${l.url}, ${age.en}`]);
    }
    if (s.checkpoint) {
      const age = s.cosignedAt ? ago(s.cosignedAt) : say("okänd ålder (inte kontrasignerad)", "age unknown (not cosigned)");
      items.push([`Kontrollpunkt: ${s.checkpoint.origin}, ${s.checkpoint.size} poster, ${age.sv}`, `Checkpoint: ${s.checkpoint.origin}, size ${s.checkpoint.size}, ${age.en}`]);
    }
    const count = s.witnesses ? s.witnesses.size : 0;
    items.push([`Vittnen som kontrasignerat: ${count}`, `Witnesses that cosigned: ${count}`]);
    if (s.trust) items.push([`Förtroende: ${s.trust.source.sv}`, `Trust: ${s.trust.source.en}`]);
    $("checked-list").replaceChildren(...items.map(([sv, e]) => el("li", {}, sv, en(e))));
    $("checked").hidden = false;
  }

  // ------------------------------------------------------------ input
  async function verifyText(text, source) {
    await sitePromise;
    clearMessage();
    const started = performance.now();
    let cert = null, problem = null;
    try {
      cert = L.parseStrict(text);
    } catch (e) {
      // As the CLI: a strictness problem (duplicate key, float) is a failed parse step, shown with the
      // loose parse where there is one; text that is not JSON at all is a message.
      try { cert = JSON.parse(text); } catch (e2) { cert = null; }
      problem = say(e.sv || "inte JSON", e.en || "not JSON");
      if (cert === null) showMessage(`Det här är inget certifikat: ${problem.sv}.`, `This is not a certificate: ${problem.en}.`);
      else showMessage(`Certifikatet är inte strikt JSON: ${problem.sv}.`, `The certificate is not strict JSON: ${problem.en}.`);
    }
    const outcome = await runSteps(cert, problem);
    main.dataset.verifyMs = String(Math.round((performance.now() - started) * 100) / 100);
    render(outcome, source);
    return outcome;
  }

  function refuse(sv, enText) {
    showMessage(sv, enText);
    $("result").hidden = true;
    main.dataset.verdict = "invalid";
  }

  async function verifyBytes(bytes, source) {
    const head = new TextDecoder("latin1").decode(bytes.slice(0, 5));
    if (head === "%PDF-") {
      let found = [];
      try { found = await L.pdfEmbeddedJson(bytes, MAX_BYTES); } catch (e) { found = []; }
      const texts = found.map((b) => { try { return new TextDecoder("utf-8", { fatal: true }).decode(b); } catch (e) { return null; } })
        .filter((t) => t && t.trimStart().startsWith("{"));
      if (!texts.length) {
        refuse("PDF-filen innehåller inget bifogat certifikat (certifikat.json). Det är inget PDF-certifikat från asfverify.",
          "The PDF has no embedded certificate (certifikat.json); it is not an asfverify PDF certificate.");
        return null;
      }
      return verifyText(texts[0], `${source} (bifogad certifikat.json / embedded certifikat.json)`);
    }
    let text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) {
      refuse("Filen är varken JSON eller PDF (inte UTF-8-text).", "The file is neither JSON nor PDF (not UTF-8 text).");
      return null;
    }
    return verifyText(text, source);
  }

  async function verifyFile(file) {
    if (!file) return null;
    if (file.size > MAX_BYTES) {
      refuse(`Filen är ${Math.round(file.size / 1e6)} MB; ett certifikat är under 10 MB. Den har inte lästs.`,
        `The file is ${Math.round(file.size / 1e6)} MB; a certificate is under 10 MB. It was not read.`);
      return null;
    }
    return verifyBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  }

  async function verifyUrl(param) {
    const url = sitePath(param);
    if (!url) {
      refuse("Adressen ligger utanför denna webbplats och hämtas inte. Verifiera certifikatet på utfärdarens egen webbplats.",
        "The address is outside this site and is not fetched. Verify the certificate on its issuer's own site.");
      return null;
    }
    const got = await fetchBytes(url);
    if (!got.bytes) {
      refuse(`Certifikatet ${url.pathname} kunde inte hämtas från webbplatsen.`, `The certificate ${url.pathname} could not be fetched from this site.`);
      return null;
    }
    return verifyBytes(got.bytes, url.href);
  }

  function fromHash() {
    const match = /^#url=(.+)$/.exec(location.hash);
    if (match) {
      let param;
      try { param = decodeURIComponent(match[1]); } catch (e) { param = "\u0000"; }
      verifyUrl(param);
    }
  }

  function wire() {
    $("file").addEventListener("change", (e) => verifyFile(e.target.files[0]));
    const drop = $("drop");
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); verifyFile(e.dataTransfer.files[0]); });
    $("verify-paste").addEventListener("click", () => {
      const text = $("paste").value;
      if (text.length > MAX_BYTES) { refuse("Texten är för lång för ett certifikat.", "The text is too long for a certificate."); return; }
      if (!text.trim()) { refuse("Klistra in certifikatets JSON först.", "Paste the certificate JSON first."); return; }
      verifyText(text, "inklistrad text / pasted text");
    });
    $("print").addEventListener("click", () => window.print());
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  window.asfVerify = { verifyText, verifyBytes, ready: () => sitePromise, steps: STEPS };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
