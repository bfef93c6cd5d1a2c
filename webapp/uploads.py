"""The file an import form sends: chosen on the form, or carried (base64) from its preview page to the import."""
import base64
import binascii

from flask import request
from flask_babel import gettext as _

from webapp.errors import BadRequest

MAX_IMPORT_BYTES = 1_000_000


def imported_file(missing: str) -> bytes:
    """The bytes of the import (at most 1 MB); `missing` is the message when no file was chosen."""
    carried = request.form.get("data")
    if carried:
        try:
            return base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest(_("The file was damaged on the way; please choose it again."))
    upload = request.files.get("file")
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    if not data:
        raise BadRequest(missing, field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise BadRequest(_("The file is too large (at most 1 MB)."), field="file")
    return data
