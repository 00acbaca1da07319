"""Rewriting uploaded PDFs with pypdf, so no metadata, script, embedded file or outward action
survives.

Every object reachable from the pages is walked first: additional actions, XMP streams and
private application data go wherever they sit, actions other than an in-document ``/GoTo``
go (``/JavaScript``, ``/Launch``, ``/URI``, ``/SubmitForm`` and the rest), and so do
annotations that carry files or media. Then only the pages are copied into a new document
(its catalogue is ours: no ``/Names`` with ``/JavaScript`` or ``/EmbeddedFiles``, no
``/OpenAction``, ``/AA``, ``/AcroForm``, outline or ``/Metadata``), which gets no ``/Info``.
The page content streams, and so the text, are copied untouched.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from platewarden.services.appeal_attachments import UnreadablePdf

# Keys dropped wherever they appear: additional actions, scripts, XMP metadata, private
# application data, embedded files (the catalogue's are not copied at all; this is depth).
_DROPPED_KEYS = frozenset({"/AA", "/JS", "/JavaScript", "/OpenAction", "/Metadata",
                           "/PieceInfo", "/EmbeddedFiles", "/EF", "/AcroForm", "/Outlines",
                           "/URI"})
# The one action kept: a jump to a page of the same document.
_KEPT_ACTIONS = frozenset({"/GoTo"})
# Annotations that carry a file or media (or run it) go whole.
_DROPPED_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen",
                                  "/RichMedia", "/3D"})
_MAX_OBJECTS = 200_000  # a bound on the walk, far above any real document of the page limit


class PypdfCleaner:
    """``PdfCleaner``: parse, copy the pages into a fresh document, strip what may act."""

    def clean(self, data: bytes, *, max_pages: int) -> bytes:
        """The rewritten PDF; :class:`UnreadablePdf` if it cannot be parsed or is encrypted."""
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UnreadablePdf("it is encrypted")
            pages = len(reader.pages)
            if pages == 0:
                raise UnreadablePdf("it has no pages")
            if pages > max_pages:
                raise UnreadablePdf(f"more than {max_pages} pages")
            # Scrubbed in the parsed document before copying, so that the copy takes only
            # what is still referenced (a writer keeps every object it copied, referenced
            # or not).
            _scrub(list(reader.pages))
            writer = PdfWriter()
            for page in reader.pages:
                writer.add_page(page)
            writer.metadata = None  # no /Info at all (not even pypdf's /Producer)
            out = io.BytesIO()
            writer.write(out)
        except UnreadablePdf:
            raise
        # A hostile file can make a parser fail in many ways (its own errors, but also
        # KeyError, TypeError, RecursionError, ...): each is a refusal, never a server error.
        except Exception as exc:
            raise UnreadablePdf("it does not parse") from exc
        return out.getvalue()


def _scrub(roots: list[Any]) -> None:
    """Remove what may act, leak or carry files from everything reachable from ``roots``."""
    seen: set[int] = set()
    stack: list[Any] = list(roots)
    while stack:
        if len(seen) > _MAX_OBJECTS:
            raise UnreadablePdf("too many objects")
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            _scrub_dictionary(item)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _scrub_dictionary(item: DictionaryObject) -> None:
    for key in _DROPPED_KEYS & set(item.keys()):
        del item[key]
    action = item.get("/A")
    if action is not None and _action_kind(action) not in _KEPT_ACTIONS:
        del item["/A"]
    if item.get("/S") is not None and item.get("/Next") is not None:
        del item["/Next"]  # a chain of actions may lead anywhere
    annotations = item.get("/Annots")
    if annotations is not None:
        kept = ArrayObject(a for a in annotations.get_object()
                           if a.get_object().get("/Subtype") not in _DROPPED_ANNOTATIONS)
        item[NameObject("/Annots")] = kept


def _action_kind(action: Any) -> str | None:
    found = action.get_object()
    kind = found.get("/S") if isinstance(found, DictionaryObject) else None
    return str(kind) if kind is not None else None
