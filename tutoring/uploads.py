"""Checks of the files users upload (expertise documents, library materials, evidence of a
route step): by what their content is, not by name.

`inspect_upload` reads the file without writing it anywhere and leaves it at position 0, so
that the caller can store it. The form fields run it on every uploaded file and attach the
result as `upload_info`; `expertise.services` stores a file under the extension of its content.

Zip containers (docx, xlsx, odt) are judged by their central directory alone: nothing in them
is unpacked except two small entries of an odt, read with a cap. The directory can lie about
the sizes of the entries, so anything that unpacks these files later must cap its own reads.
"""

import hashlib
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

import pypdf
from django import forms
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf.errors import PyPdfError

MAX_UPLOAD_SIZE = 20 * 1024 * 1024
MAX_FILES_PER_UPLOAD = 10

DOCUMENT_TYPES = ("pdf", "docx", "odt", "xlsx")
IMAGE_TYPES = ("jpeg", "png")
PORTFOLIO_TYPES = DOCUMENT_TYPES + IMAGE_TYPES
# A session's materials: slides and tables as well, or several files packed in a zip.
MATERIAL_TYPES = (*PORTFOLIO_TYPES, "pptx", "odp", "ods", "zip")

# A real work programme holds a few dozen entries and unpacks to a few megabytes, a portfolio
# with photos to tens of megabytes; far beyond that a container is built to exhaust whoever
# opens it.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_DIRECTORY = 4 * 1024 * 1024
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
MAX_ODT_MANIFEST = 1024 * 1024
# A 50-megapixel photo is beyond any phone camera; decoding it takes some 200 MB of memory.
MAX_IMAGE_PIXELS = 50_000_000

_CHUNK = 64 * 1024
_ZIP_ENCRYPTED = 0x1
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Word and Excel save a document with a password as a CFB container around the encrypted zip.
_CFB_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class UploadInfo:
    type: str
    extension: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class _Kind:
    label: str
    short: str
    extensions: tuple[str, ...]
    content_type: str


_KINDS = {
    "pdf": _Kind("документ PDF", "PDF", (".pdf",), "application/pdf"),
    "docx": _Kind(
        "документ DOCX",
        "DOCX",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": _Kind("документ ODT", "ODT", (".odt",), "application/vnd.oasis.opendocument.text"),
    "xlsx": _Kind(
        "таблица XLSX",
        "XLSX",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": _Kind(
        "презентация PPTX",
        "PPTX",
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odp": _Kind(
        "презентация ODP", "ODP", (".odp",), "application/vnd.oasis.opendocument.presentation"
    ),
    "ods": _Kind("таблица ODS", "ODS", (".ods",), "application/vnd.oasis.opendocument.spreadsheet"),
    "zip": _Kind("архив ZIP", "ZIP", (".zip",), "application/zip"),
    "jpeg": _Kind("изображение JPG", "JPG", (".jpg", ".jpeg"), "image/jpeg"),
    "png": _Kind("изображение PNG", "PNG", (".png",), "image/png"),
}

# Parsers of hostile input fail in many ways; whichever way it is, the file cannot be opened.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
_PDF_ERRORS = (
    PyPdfError,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
)
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


def inspect_upload(uploaded, *, allowed: Iterable[str]) -> UploadInfo:
    """What the uploaded file is, or a ValidationError naming it (by its original name)."""
    allowed = tuple(allowed)
    unknown = set(allowed) - set(_KINDS)
    if unknown:
        raise ValueError(f"Unknown upload types: {sorted(unknown)}")
    name = uploaded.name or "без имени"
    try:
        # The declared size is checked before reading, so an oversized file is never read.
        _check_size(uploaded.size, name)
        size, sha256 = _measure(uploaded, name)
        kind = _sniff(uploaded, name)
        if kind == "zip" and "zip" not in allowed:
            # Where no archive is accepted, a zip that is no document is just another type.
            kind = None
        if kind is None:
            raise _error(
                "type", f"не является {_what(allowed)}: по содержимому это другой тип файла.", name
            )
        if kind not in allowed:
            raise _error(
                "type",
                f"— {_KINDS[kind].label}, а здесь принимаются только {_only(allowed)}.",
                name,
            )
        _check_extension(kind, name)
        if kind == "pdf":
            _check_pdf(uploaded, name)
        elif kind in IMAGE_TYPES:
            _check_image(uploaded, kind, name)
    finally:
        uploaded.seek(0)
    return UploadInfo(
        type=kind,
        extension=_KINDS[kind].extensions[0],
        content_type=_KINDS[kind].content_type,
        size=size,
        sha256=sha256,
    )


def checked_upload(uploaded, *, allowed: Iterable[str], refuse: type[Exception]) -> UploadInfo:
    """The upload's type as its form field found it (`upload_info`), or checked now, so that
    a command or a test calling a service directly gets the same check; a refused file
    raises `refuse` (the app's DomainError) with the reasons."""
    info = getattr(uploaded, "upload_info", None)
    if info is not None:
        return info
    try:
        return inspect_upload(uploaded, allowed=allowed)
    except ValidationError as error:
        raise refuse(" ".join(error.messages)) from None


def _error(code: str, text: str, name: str, **params) -> ValidationError:
    return ValidationError(f"Файл «%(name)s» {text}", code=code, params={"name": name, **params})


def _check_size(size: int, name: str) -> None:
    if not size:
        raise _error("empty", "пустой.", name)
    if size > MAX_UPLOAD_SIZE:
        raise _error("too_large", f"больше {MAX_UPLOAD_SIZE // (1024 * 1024)} МБ.", name)


def _measure(uploaded, name: str) -> tuple[int, str]:
    # The declared size comes from the client's request; the content read decides.
    uploaded.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := uploaded.read(_CHUNK):
        size += len(chunk)
        _check_size(size, name)
        digest.update(chunk)
    _check_size(size, name)
    return size, digest.hexdigest()


def _sniff(uploaded, name: str) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _container_kind(uploaded, name)
    if head.startswith(_CFB_MAGIC):
        if _contains(uploaded, _CFB_ENCRYPTED):
            raise _error(
                "encrypted", "защищён паролем: снимите пароль и загрузите файл снова.", name
            )
        raise _error(
            "type",
            "сохранён в старом формате Word или Excel (doc, xls): сохраните его как docx, "
            "xlsx или pdf и загрузите снова.",
            name,
        )
    return None


def _contains(uploaded, marker: bytes) -> bool:
    uploaded.seek(0)
    tail = b""
    while chunk := uploaded.read(_CHUNK):
        if marker in tail + chunk:
            return True
        tail = chunk[-len(marker) :]
    return False


def _container_kind(uploaded, name: str) -> str | None:
    try:
        # ZipFile parses the whole central directory on opening, however large its end record
        # says it is: checked first, with the very function ZipFile reads that record with.
        end = zipfile._EndRecData(uploaded)
        if end is None:
            raise _damaged(name)
        if (
            end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ZIP_ENTRIES
            or end[zipfile._ECD_SIZE] > MAX_ZIP_DIRECTORY
        ):
            raise _zip_bomb(name)
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            _check_entries(entries, name)
            return _kind_of_entries(archive, entries, name)
    except _ZIP_ERRORS as error:
        raise _damaged(name) from error


def _check_entries(entries: list[zipfile.ZipInfo], name: str) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _zip_bomb(name)
    total = 0
    for entry in entries:
        total += entry.file_size
        if _unsafe_path(entry.orig_filename) or (
            entry.file_size > ZIP_RATIO_FLOOR
            and entry.file_size > MAX_ZIP_RATIO * entry.compress_size
        ):
            raise _zip_bomb(name)
    if total > MAX_ZIP_TOTAL:
        raise _zip_bomb(name)
    if any(entry.flag_bits & _ZIP_ENCRYPTED for entry in entries):
        raise _error("encrypted", "защищён паролем: снимите пароль и загрузите файл снова.", name)


def _unsafe_path(path: str) -> bool:
    # Office never writes these; an archive that does aims at whoever unpacks it to disk.
    return (
        "\x00" in path
        or path.startswith(("/", "\\"))
        or re.match(r"[A-Za-z]:", path) is not None
        or ".." in re.split(r"[\\/]", path)
    )


def _kind_of_entries(archive: zipfile.ZipFile, entries, name: str) -> str | None:
    # Part names of Office documents are case-insensitive (ECMA-376, part 2).
    by_name = {entry.filename.lower(): entry for entry in entries}
    if "mimetype" in by_name:
        mimetype = _read_entry(archive, by_name["mimetype"], 256).strip()
        if mimetype not in _ODF_MIMETYPES or "content.xml" not in by_name:
            return "zip"
        # LibreOffice keeps the mimetype and manifest open and encrypts the rest.
        manifest = by_name.get("meta-inf/manifest.xml")
        if manifest and b"encryption-data" in _read_entry(archive, manifest, MAX_ODT_MANIFEST):
            raise _error(
                "encrypted", "защищён паролем: снимите пароль и загрузите файл снова.", name
            )
        return _ODF_MIMETYPES[mimetype]
    if "[content_types].xml" in by_name:
        if "word/document.xml" in by_name:
            return "docx"
        if "xl/workbook.xml" in by_name:
            return "xlsx"
        if "ppt/presentation.xml" in by_name:
            return "pptx"
    # Any other archive: its directory has passed the bomb checks above, its content is not
    # looked into (it is only handed back, as a download, to those who may see it).
    return "zip"


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, cap: int) -> bytes:
    with archive.open(entry) as stream:
        return stream.read(cap)


def _check_extension(kind: str, name: str) -> None:
    extensions = _KINDS[kind].extensions
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in extensions:
        return
    raise _error(
        "extension",
        "по содержимому — %(label)s, но его имя оканчивается не на %(extensions)s: "
        "переименуйте его в «%(suggested)s» и загрузите снова.",
        name,
        label=_KINDS[kind].label,
        extensions=" или ".join(f"«{extension}»" for extension in extensions),
        suggested=(stem if dot else name) + extensions[0],
    )


def _check_pdf(uploaded, name: str) -> None:
    uploaded.seek(0)
    try:
        reader = pypdf.PdfReader(uploaded)
        # Experts must be able to open, print and quote the document; a PDF with only an
        # owner password opens, but forbids exactly that.
        if reader.is_encrypted:
            raise _error("encrypted", "защищён паролем: загрузите PDF без пароля.", name)
        pages = len(reader.pages)
    except _PDF_ERRORS as error:
        raise _damaged(name, "pdf") from error
    if not pages:
        raise _damaged(name, "pdf")


def _check_image(uploaded, kind: str, name: str) -> None:
    uploaded.seek(0)
    stream = _EndWatch(uploaded)
    try:
        # Pillow warns of a bomb above its own limit (89 megapixels) and refuses one above
        # twice that; the cap here is lower, so whatever it would warn of is refused too.
        with Image.open(stream, formats=[kind.upper()]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(name, width, height)
            if kind == "png":
                image.verify()
            else:
                # JPEG's verify() checks nothing; decoding at 1/8 scale finds a cut-off file
                # at a fraction of the memory.
                image.draft(image.mode, (max(width // 8, 1), max(height // 8, 1)))
                image.load()
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name) from error
    except _IMAGE_ERRORS as error:
        raise _damaged(name, kind) from error
    if stream.ran_out:
        raise _damaged(name, kind)


class _EndWatch:
    """The upload as Pillow reads it, noting whether a read came back empty.

    WeasyPrint, imported in the same process, sets Pillow's global LOAD_TRUNCATED_IMAGES, and
    Pillow then decodes a cut-off JPEG without complaint, filling the rest in grey. A decoder
    that asks for more than the file holds is what tells a cut-off file."""

    def __init__(self, stream):
        self._stream = stream
        self.ran_out = False

    def read(self, size=-1):
        data = self._stream.read(size)
        if size and not data:
            self.ran_out = True
        return data

    def seek(self, offset, whence=0):
        return self._stream.seek(offset, whence)

    def tell(self):
        return self._stream.tell()


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> ValidationError:
    size = f" ({width}×{height} точек)" if width else ""
    return _error(
        "too_large",
        f"— слишком большое изображение{size}: допускается не больше "
        f"{MAX_IMAGE_PIXELS // 1_000_000} мегапикселей. Уменьшите его и загрузите снова.",
        name,
    )


def _damaged(name: str, kind: str | None = None) -> ValidationError:
    what = f" как {_KINDS[kind].label}" if kind else ""
    return _error(
        "damaged",
        f"повреждён: его не удаётся открыть{what}. Сохраните файл заново и загрузите ещё раз.",
        name,
    )


def _zip_bomb(name: str) -> ValidationError:
    return _error(
        "zip_bomb",
        "похож на архив-бомбу (внутри слишком много данных или подозрительные пути): "
        "он не принят. Если это обычный документ, сохраните его заново и загрузите ещё раз.",
        name,
    )


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " или " + items[-1]


def _what(allowed: tuple[str, ...]) -> str:
    documents = [_KINDS[kind].short for kind in allowed if kind not in IMAGE_TYPES]
    images = [_KINDS[kind].short for kind in allowed if kind in IMAGE_TYPES]
    if documents and images:
        return f"документом ({', '.join(documents)}) или изображением ({', '.join(images)})"
    if documents:
        return f"документом {_or(documents)}"
    return f"изображением {_or(images)}"


def _only(allowed: tuple[str, ...]) -> str:
    documents = [_KINDS[kind].short for kind in allowed if kind not in IMAGE_TYPES]
    images = [_KINDS[kind].short for kind in allowed if kind in IMAGE_TYPES]
    parts = []
    if documents:
        parts.append(f"документы {_or(documents)}")
    if images:
        parts.append(f"изображения {_or(images)}")
    return " и ".join(parts)


def accept_for(allowed: Iterable[str]) -> str:
    """The `accept` attribute of a file input: lets the browser's dialog offer fitting files."""
    return ",".join(extension for kind in allowed for extension in _KINDS[kind].extensions)


class UploadField(forms.FileField):
    """One file, checked by `inspect_upload`; the result is attached as `.upload_info`."""

    def __init__(self, *, allowed: Iterable[str] = DOCUMENT_TYPES, **kwargs):
        self.allowed = tuple(allowed)
        # An empty file is refused by inspect_upload, with a message that names it.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": accept_for(self.allowed)}

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        # Neither a file stored earlier (`initial`) nor a cleared one (False) is an upload.
        if file and file is data:
            file.upload_info = inspect_upload(file, allowed=self.allowed)
        return file


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files at once (a list, each with `.upload_info`); every bad file is named."""

    def __init__(self, *, max_files: int = MAX_FILES_PER_UPLOAD, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if not files:
            super().clean(None)  # raises "required" when the field is
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                "Можно загрузить не больше %(max)s файлов за раз, а выбрано %(count)s.",
                code="too_many",
                params={"max": self.max_files, "count": len(files)},
            )
        cleaned, errors = [], []
        for file in files:
            try:
                cleaned.append(super().clean(file))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned


@contextmanager
def written_files():
    """Collects the stored files (FieldFiles) a change writes, and deletes them if the change
    fails: a file whose row was rolled back would stay on disk, named by nothing."""
    written: list = []
    try:
        yield written
    except BaseException:
        for field in written:
            field.storage.delete(field.name)
        raise
