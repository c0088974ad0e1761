"""``POST /api/read``: the text of a file's bytes, decoded as the CLI decodes a file.

The page's "Open a file" sends the file's bytes here (a form's one file is read too, as ``curl -F``
sends it) and shows the text it gets back, so an
upload is decoded by the one rule of every input (:func:`unspun.readers.encoding.decode`: UTF-8,
UTF-16 with a BOM, a detected legacy encoding such as Windows-1252) rather than by the
browser's UTF-8 decoder, which turns other encodings into U+FFFD. The answer is
``{"ok": true, "text", "encoding", "html"}``; bytes no encoding reads, binary data, control
characters and blank text are 422 in the one error shape, as ``unspun analyze`` refuses them.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from unspun.server.api import ERROR_RESPONSES

router = APIRouter(prefix="/api")

_BODY = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.post(
    "/read",
    responses=ERROR_RESPONSES,
    summary="Decode a file's bytes as the CLI does",
    openapi_extra={"requestBody": _BODY},
)
async def read_upload(request: Request) -> JSONResponse:
    """The body's bytes (a text or HTML file, any content type) decoded: ``text`` (a BOM kept as
    character 0, CRs kept), ``encoding`` (``"UTF-8"``, ``"UTF-16"``, ``"Windows-1252"``, ...)
    and ``html`` (whether ``POST /api/analyze`` will extract its main text)."""
    from unspun.readers.dispatch import decode_input

    data = await _file_bytes(request)
    decoded, html = await anyio.to_thread.run_sync(decode_input, data)
    return JSONResponse({"ok": True, "text": decoded.text, "encoding": decoded.encoding, "html": html})


async def _file_bytes(request: Request) -> bytes:
    """The bytes of the file sent: the body as it is, or the one file of a form (``curl -F
    file=@story.txt``, a browser form), whose envelope had been decoded as the article's text
    ("--------------------------cb16...\\r\\nContent-Disposition: form-data; ...").

    Raises:
        FormatError: a form holding no file or more than one.
    """
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return await request.body()
    from starlette.datastructures import UploadFile

    from unspun.errors import FormatError

    async with request.form() as form:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if len(files) != 1:
            raise FormatError(
                f"the form holds {len(files)} files; send one (curl -F file=@story.txt) "
                "or the file's bytes as the body (curl --data-binary @story.txt)"
            )
        return await files[0].read()
