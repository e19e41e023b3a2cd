"""Hostile workbooks, built by hand with zipfile: what calamine would choke on.

`sparse()` is a 5 KB «Ф1» whose one cell sits at XFD1048576 (calamine asks for 549 GB);
`bomb(path)` writes a sheet of highly compressible XML that unpacks to 250 MB from a few
hundred kilobytes; `workbook(sheet_xml)` wraps any sheet XML as a minimal xlsx."""

import io
import zipfile

SHEET = "Ф1 Индивидуальные результаты"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
        f'<sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'


def _write_parts(archive: zipfile.ZipFile) -> None:
    for name, text in _PARTS.items():
        archive.writestr(name, text)


def workbook(sheet_data: str, *, dimension: str = "", head: str = _HEAD) -> bytes:
    """A minimal xlsx of one sheet «Ф1 …» whose `<sheetData>` holds `sheet_data`."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f"{head}{dimension}<sheetData>{sheet_data}</sheetData></worksheet>",
        )
    return output.getvalue()


def sparse() -> bytes:
    return workbook('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def bomb(path, *, megabytes: int = 250) -> None:
    """An xlsx whose sheet unpacks to `megabytes` MB of rows of one repeated cell, written
    as a stream (never held in memory)."""
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>' + "0" * 20_000 + "</t></is></c></row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f"{_HEAD}<sheetData>".encode())
            written, number = 0, 0
            while written < megabytes * 1024 * 1024:
                chunk = "".join(row.format(n=n) for n in range(number + 1, number + 101))
                number += 100
                data = chunk.encode()
                sheet.write(data)
                written += len(data)
            sheet.write(b"</sheetData></worksheet>")
