"""Serving uploaded files safely: always as a download, never sniffed, with a content type from a short list."""

import mimetypes
from pathlib import PurePosixPath

from django.http import FileResponse, Http404

# Types a browser may be told as they are; everything else (HTML, SVG, scripts…) is a plain download.
SAFE_CONTENT_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/csv",
    "text/plain",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def safe_content_type(filename):
    guessed, encoding = mimetypes.guess_type(filename)
    if encoding or guessed not in SAFE_CONTENT_TYPES:
        return FALLBACK_CONTENT_TYPE
    return guessed


def serve_attachment(file_field):
    """A FileResponse for a FieldFile: `Content-Disposition: attachment`, `nosniff`, a safe content type.

    404 when the field is empty or the stored file is gone. The caller has already checked access.
    """
    if not file_field:
        raise Http404
    filename = PurePosixPath(file_field.name).name
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=safe_content_type(filename))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
