"""Photos onto a reportlab canvas: a JPEG goes into the PDF as it is, never decoded."""

from __future__ import annotations

import io
from functools import cache
from typing import Any


@cache
def _jpeg_class() -> type:
    from reportlab.lib.utils import ImageReader

    class JpegBytes(ImageReader):  # type: ignore[misc]  # reportlab has no type information
        """A JPEG that reportlab embeds as it is (DCTDecode), named by its own bytes.

        reportlab's ImageReader names every image by a digest of its decoded pixels, so a JPEG it then
        embeds untouched is still decoded once per page only to be named. The bytes name it as well: the
        same photo is still embedded once however often it is drawn."""

        def __init__(self, data: bytes, width: int, height: int) -> None:
            self.fileName = "<jpeg>"
            self._ident = None
            self._image = None
            self._width, self._height = width, height
            self._transparent = None
            self._data, self._dataA = data, None
            self.fp = io.BytesIO(data)
            self.mode = "RGB"

        def jpeg_fh(self) -> io.BytesIO:
            self.fp.seek(0)
            return self.fp

        def getRGBData(self) -> bytes:  # what drawImage digests to name the image: the JPEG's bytes
            return self._data

    return JpegBytes


def image_reader(data: bytes) -> Any:
    """What `canvas.drawImage` takes for these bytes: the JPEG as it is when reportlab can read its
    header, else reportlab's own reader (other formats, unusual JPEGs)."""
    from reportlab.lib.utils import ImageReader

    if data[:3] == b"\xff\xd8\xff":
        from reportlab.pdfbase.pdfutils import readJPEGInfo

        try:
            width, height, _components, _dpi = readJPEGInfo(io.BytesIO(data))
        except Exception:  # reportlab cannot pass it through: let its own reader decide
            return ImageReader(io.BytesIO(data))
        return _jpeg_class()(data, width, height)
    return ImageReader(io.BytesIO(data))
