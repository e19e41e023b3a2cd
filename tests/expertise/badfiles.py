"""Small files, good and bad, for the tests of uploads (`tutoring.uploads`) and what uses them.

Every builder returns a fresh `SimpleUploadedFile` (name and content), ready for a form, a
service or `client.post(..., {"files": [...]})`. For other uses:
- `raw(badfiles.good_pdf())` gives `(name, bytes)`;
- `write(badfiles.good_pdf(), tmp_path)` writes the file there and returns its path, e.g. for
  Playwright's `set_input_files`.

Good files: `good_pdf`, `good_docx`, `good_xlsx`, `good_odt`, `good_png`, `good_jpeg`.
Bad files, each refused for one reason (the ValidationError code):
- "empty": `empty_pdf`; "too_large": `big_pdf` (25 MB), `huge_png` (56 megapixels);
- "type": `exe_as_pdf`, `zip_renamed_docx`, `spreadsheet_named_odt`, `legacy_doc`;
- "extension": `pdf_named_docx`;
- "encrypted": `encrypted_pdf`, `encrypted_docx`;
- "damaged": `damaged_pdf`, `truncated_jpeg`;
- "zip_bomb": `zip_bomb_docx` (1 GiB inside 1 MB), `crowded_docx`, `traversal_docx`.
Each takes the file's name as its first argument; the defaults are Russian, as users' are.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# zlib.crc32(bytes(1 << 30)): computing it takes half a second on every call.
_GIB_OF_ZEROS_CRC = 0x5B64C2B0

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)
_OVERRIDE = '<Override PartName="{part}" ContentType="{type}"/>'
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/{type}" Target="{target}"/></Relationships>'
)
_DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Рабочая программа по математике, 5–9 классы</w:t></w:r></w:p>"
    "</w:body></w:document>"
)
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def raw(uploaded: SimpleUploadedFile) -> tuple[str, bytes]:
    uploaded.seek(0)
    return uploaded.name, uploaded.read()


def write(uploaded: SimpleUploadedFile, directory: Path) -> Path:
    name, content = raw(uploaded)
    path = Path(directory) / name
    path.write_bytes(content)
    return path


def _pdf_bytes(text: str = "Work programme: mathematics, grades 5-9") -> bytes:
    # Written by hand: pypdf cannot put text on a page, and the offsets of the cross-reference
    # table are all a reader needs.
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _zip(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            # ODF requires the mimetype first and stored, so that `file` can tell it by offset.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return out.getvalue()


def _docx_entries() -> dict[str, str]:
    return {
        "[Content_Types].xml": _CONTENT_TYPES.format(
            overrides=_OVERRIDE.format(part="/word/document.xml", type=_DOCX_MAIN)
        ),
        "_rels/.rels": _RELS.format(type="officeDocument", target="word/document.xml"),
        "word/document.xml": _DOCUMENT_XML,
    }


def good_pdf(name: str = "программа.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf_bytes(), content_type="application/pdf")


def good_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _zip(_docx_entries()))


def good_xlsx(name: str = "календарный план.xlsx") -> SimpleUploadedFile:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = _OVERRIDE.format(
        part="/xl/workbook.xml", type=f"{sheet}.sheet.main+xml"
    ) + _OVERRIDE.format(part="/xl/worksheets/sheet1.xml", type=f"{sheet}.worksheet+xml")
    content = _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides),
            "_rels/.rels": _RELS.format(type="officeDocument", target="xl/workbook.xml"),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="План" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": _RELS.format(
                type="worksheet", target="worksheets/sheet1.xml"
            ),
            "xl/worksheets/sheet1.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Тема урока</t></is></c>'
                "</row></sheetData></worksheet>"
            ),
        }
    )
    return SimpleUploadedFile(name, content)


def good_odt(name: str = "конспект урока.odt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _odt("application/vnd.oasis.opendocument.text"))


def _odt(mimetype: str) -> bytes:
    return _zip(
        {
            "mimetype": mimetype,
            "META-INF/manifest.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                'manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>'
            ),
            "content.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                'office:version="1.2"><office:body><office:text>'
                "<text:p>Конспект урока математики</text:p>"
                "</office:text></office:body></office:document-content>"
            ),
        }
    )


def _image(format_: str, size=(64, 48), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "#2a6f97").save(out, format=format_)
    return out.getvalue()


def good_png(name: str = "грамота.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image("PNG"), content_type="image/png")


def good_jpeg(name: str = "грамота.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image("JPEG"), content_type="image/jpeg")


def exe_as_pdf(name: str = "программа.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + bytes(1016))


def empty_pdf(name: str = "программа.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"")


def big_pdf(name: str = "программа.pdf", size: int = 25 * 1024 * 1024) -> SimpleUploadedFile:
    head = _pdf_bytes()
    return SimpleUploadedFile(name, head + b"%" + bytes(size - len(head) - 1))


def pdf_named_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf_bytes())


def zip_renamed_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _zip({"программа.txt": "Рабочая программа"}))


def spreadsheet_named_odt(name: str = "программа.odt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _odt("application/vnd.oasis.opendocument.spreadsheet"))


def legacy_doc(name: str = "программа.doc") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016))


def encrypted_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    # Not a whole CFB container: only its signature and a directory entry's name, all that
    # tells a password-protected Office document from an old .doc.
    directory_entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory_entry + bytes(384)
    return SimpleUploadedFile(name, content)


def encrypted_pdf(name: str = "программа.pdf") -> SimpleUploadedFile:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_pdf_bytes())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue())


def damaged_pdf(name: str = "программа.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"\x00\x13\x37" * 300)


def truncated_jpeg(name: str = "грамота.jpg") -> SimpleUploadedFile:
    content = _image("JPEG", size=(400, 300))
    return SimpleUploadedFile(name, content[: len(content) // 2])


def huge_png(name: str = "грамота.png") -> SimpleUploadedFile:
    # 8000 × 7000 one-bit pixels: a few kilobytes of file, 56 megapixels to decode.
    return SimpleUploadedFile(name, _image("PNG", size=(8000, 7000), mode="1"))


def traversal_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    entries = {**_docx_entries(), "../../etc/cron.d/evil": "* * * * * root true"}
    return SimpleUploadedFile(name, _zip(entries))


def crowded_docx(name: str = "программа.docx", entries: int = 5001) -> SimpleUploadedFile:
    media = {f"word/media/image{n}.png": "" for n in range(entries)}
    return SimpleUploadedFile(name, _zip({**_docx_entries(), **media}))


def zip_bomb_docx(name: str = "программа.docx") -> SimpleUploadedFile:
    """A docx whose word/media/zeros.bin unpacks to 1 GiB of zeros from about 1 MB."""
    # Each megabyte of zeros deflated alone, behind a full flush, comes out the same bytes:
    # a 1 GiB deflate stream is built by repeating them, without compressing a gigabyte.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    entries = [(n, _deflate(c.encode())) for n, c in _docx_entries().items()]
    entries.append(("word/media/zeros.bin", (block * 1024 + final, _GIB_OF_ZEROS_CRC, 1 << 30)))
    return SimpleUploadedFile(name, _raw_zip(entries))


def _deflate(content: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)


def _raw_zip(entries: list[tuple[str, tuple[bytes, int, int]]]) -> bytes:
    # zipfile compresses whatever it writes; this writes already deflated data as it is.
    out = io.BytesIO()
    directory = []
    utf8, deflated, version = 0x800, 8, 20
    date = (1 << 5) | 1  # 1980-01-01 in MS-DOS format
    for name, (data, crc, size) in entries:
        encoded = name.encode()
        offset = out.tell()
        common = (utf8, deflated, 0, date, crc, len(data), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", version, *common, 0))
        out.write(encoded)
        out.write(data)
        header = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", version, version, *common, *[0] * 5, offset
        )
        directory.append(header + encoded)
    start = out.tell()
    out.writelines(directory)
    size = out.tell() - start
    count = len(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()
