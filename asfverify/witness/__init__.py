"""Witnessing: C2SP cosignature/v1, tlog-policy quorums, the tlog-witness server and its client.

Modules, one job each:
  cosignature  cosignature/v1 (Ed25519, vkey type 0x04): key ids, signing, verifying note lines
  policy       the c2sp.org/tlog-policy parser and quorum evaluation
  protocol     the add-checkpoint request body (shared by the server and the client)
  state        a witness's folder: its key, the logs it accepts, the latest checkpoint per origin
  server       the HTTP add-checkpoint endpoint (standard-library ThreadingHTTPServer)
  client       the certifier's side: collect cosignatures from every witness in a policy
"""
