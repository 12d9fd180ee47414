"""Certificates: W3C VC 2.0 with eddsa-jcs-2022 proofs, ledger inclusion proofs and status lists.

Modules are split so `asfverify verify` imports only the pure offline parts
(eddsa_jcs, statuslist, trust, verify), never the ledger database or PDF libraries.
"""
