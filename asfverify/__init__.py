"""asfverify: evidence verification and a signed audit ledger for ASF certification."""

from .hookspecs import hookimpl
from .verifier import BaseVerifier, Evidence, Organisation, Result

__version__ = "0.1.0"
__all__ = ["hookimpl", "BaseVerifier", "Evidence", "Organisation", "Result", "__version__"]
