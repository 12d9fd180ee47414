"""PAXml personnel records (the Swedish payroll exchange format Fortnox, Crona and Hogia export) as rows.

PAXml 2.x puts staff under <personal><person anstid="…" persnr="…"> with child elements such as
<anstdatum>, <slutdatum> and <sysselsattningsgrad>. It has no element for wage subsidies, so a PAXml
list needs a separate `subsidy-decisions` document (joined by anstid) for C2. Parsed with defusedxml:
no entity expansion, no external DTDs — the file is hostile until proven otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import DocumentError
from ..i18n import _

MAX_BYTES = 32 * 1024 * 1024
MAX_PEOPLE = 200_000
# PAXml element/attribute -> the payroll header the tally knows (DESIGN.md §4 names).
FIELDS = (
    ("anstid", "anstid"),
    ("persnr", "personnummer"),
    ("anstdatum", "anstdatum"),
    ("slutdatum", "slutdatum"),
    ("sysselsattningsgrad", "sysselsättningsgrad"),
)


def looks_like_paxml(head: bytes) -> bool:
    """An XML document whose root is <paxml> (the first 64 KiB are enough to tell)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096].lower()
    return text.startswith(b"<") and b"<paxml" in text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].casefold()


def rows(document: Any) -> Iterator[tuple[int, list[Any]]]:
    """Header row, then one row per <person>: anstid, persnr, anstdatum, slutdatum, sysselsättningsgrad."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    data = document.read_bytes()
    if len(data) > MAX_BYTES:
        raise DocumentError(_("{path} is a PAXml file larger than {limit} MiB", path=document.path, limit=MAX_BYTES // (1024 * 1024)))
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException:
        raise DocumentError(_("{path} is a PAXml file with forbidden XML constructs (entities or a DTD)", path=document.path)) from None
    except ElementTree.ParseError as exc:
        raise DocumentError(_("{path} is not well-formed PAXml XML ({line}:{column})", path=document.path, line=exc.position[0],
                              column=exc.position[1])) from None
    if _local(root.tag) != "paxml":
        raise DocumentError(_("{path} is XML but not PAXml (root element <{root}>)", path=document.path, root=_local(root.tag)))
    people = [el for el in root.iter() if _local(el.tag) == "person"]
    if not people:
        raise DocumentError(_("{path} is a PAXml file without personnel records (<personal><person>); "
                              "a PAXml file of time transactions or salaries is not an employee list", path=document.path))
    yield 1, [header for _key, header in FIELDS]
    for number, person in enumerate(people[:MAX_PEOPLE], start=2):
        values = {k.casefold(): v for k, v in person.attrib.items()}
        for child in person:
            key = _local(child.tag)
            if key not in values and child.text is not None:
                values[key] = child.text.strip()
        yield number, [values.get(key, "") for key, _header in FIELDS]
