"""What an upload really is: its first bytes sniffed with puremagic and compared with what its extension claims.

An extension is only a name the sender chose; a `.pdf` that is really HTML, or a `.png` that is a script,
is refused before it is stored or parsed. Office files are ZIP archives to any magic-number check, so for
DOCX and XLSX the archive's main part is looked up too; CSV and TXT have no magic number and must look like
text (no NUL bytes, no recognised binary or markup format).
"""

import io
import os
import zipfile

import puremagic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SNIFF_BYTES = 8192
TEXT_KINDS = {"csv", "txt"}
JPEG = {".jpg", ".jpeg", ".jfif", ".jpe"}
ZIP_FAMILY = {".zip", ".docx", ".xlsx", ".pptx"}  # puremagic names any ZIP archive by these
SIGNATURES = {  # extension claimed → extensions puremagic may report for a genuine file of that kind
    "pdf": {".pdf"}, "png": {".png"}, "jpg": JPEG, "jpeg": JPEG, "gif": {".gif"}, "webp": {".webp"},
    "zip": ZIP_FAMILY, "docx": ZIP_FAMILY, "xlsx": ZIP_FAMILY,
}
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
CONFIDENT = 0.5  # puremagic's confidence from which a text file counts as being some other format


def extension_of(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _sniffed(head):
    try:
        return puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return []


def _looks_like_text(head):
    return b"\x00" not in head and not any(match.confidence >= CONFIDENT for match in _sniffed(head))


def _zip_holds(stream, part):
    try:
        with zipfile.ZipFile(stream) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def content_matches_extension(name, upload, *, check_parts=True):
    """Whether the content (bytes or a file object, left rewound) is the kind of file its name's extension says.

    `check_parts=False` stops at the magic number for DOCX/XLSX, for callers whose parser reports a broken
    archive in its own words.
    """
    extension = extension_of(name)
    stream = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    stream.seek(0)
    try:
        head = stream.read(SNIFF_BYTES)
        if extension in TEXT_KINDS:
            return _looks_like_text(head)
        if not {match.extension for match in _sniffed(head)} & SIGNATURES.get(extension, set()):
            return False
        return not check_parts or extension not in OOXML_MAIN_PART or _zip_holds(stream, OOXML_MAIN_PART[extension])
    finally:
        stream.seek(0)


def type_mismatch_message(name):
    return _("The content of this file does not match its .%(extension)s extension: upload the real file, "
             "not a renamed one.") % {"extension": extension_of(name) or "?"}


def check_upload(name, upload, *, allowed, field=None, check_parts=True):
    """Raise a ValidationError (on `field`, if given) unless the extension is allowed and the content matches it."""
    if extension_of(name) not in allowed:
        message = _("Upload a file of one of these types: %(types)s.") % {
            "types": ", ".join(kind.upper() for kind in allowed)}
    elif not content_matches_extension(name, upload, check_parts=check_parts):
        message = type_mismatch_message(name)
    else:
        return
    raise ValidationError({field: message} if field else message, code="file_type")
