import contextlib
import hashlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils.datastructures import MultiValueDict

from tutoring.uploads import (
    DOCUMENT_TYPES,
    PORTFOLIO_TYPES,
    MultipleUploadField,
    UploadField,
    inspect_upload,
)

from . import badfiles


def refusal(uploaded, allowed=PORTFOLIO_TYPES) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect_upload(uploaded, allowed=allowed)
    return caught.value


class FilesForm(forms.Form):
    files = MultipleUploadField(label="Файлы", allowed=PORTFOLIO_TYPES)


def files_form(*uploads) -> FilesForm:
    return FilesForm(data={}, files=MultiValueDict({"files": list(uploads)}))


@pytest.mark.parametrize(
    ("build", "type_", "extension"),
    [
        (badfiles.good_pdf, "pdf", ".pdf"),
        (badfiles.good_docx, "docx", ".docx"),
        (badfiles.good_xlsx, "xlsx", ".xlsx"),
        (badfiles.good_odt, "odt", ".odt"),
        (badfiles.good_png, "png", ".png"),
        (badfiles.good_jpeg, "jpeg", ".jpg"),
    ],
)
def test_it_accepts_each_good_type(build, type_, extension):
    name, content = badfiles.raw(build())
    info = inspect_upload(SimpleUploadedFile(name, content), allowed=PORTFOLIO_TYPES)
    assert info.type == type_
    assert info.extension == extension
    assert info.size == len(content)
    assert info.sha256 == hashlib.sha256(content).hexdigest()


def test_it_gives_the_mime_type_to_serve_the_file_with():
    info = inspect_upload(badfiles.good_docx(), allowed=DOCUMENT_TYPES)
    assert info.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_it_accepts_extensions_in_any_case_and_jpeg_spelled_out():
    assert inspect_upload(badfiles.good_pdf("ПРОГРАММА.PDF"), allowed=DOCUMENT_TYPES).type == "pdf"
    info = inspect_upload(badfiles.good_jpeg("грамота.JPEG"), allowed=PORTFOLIO_TYPES)
    assert info.type == "jpeg"
    assert info.extension == ".jpg"


def test_it_refuses_an_empty_file():
    error = refusal(badfiles.empty_pdf())
    assert error.code == "empty"
    assert error.messages == ["Файл «программа.pdf» пустой."]


def test_it_refuses_a_file_over_20_mb():
    error = refusal(badfiles.big_pdf())
    assert error.code == "too_large"
    assert error.messages == ["Файл «программа.pdf» больше 20 МБ."]


def test_it_refuses_a_file_over_20_mb_without_reading_it():
    class Unread:
        name = "программа.pdf"
        size = 25 * 1024 * 1024

        def read(self, size=-1):
            raise AssertionError("read before the size was checked")

        def seek(self, offset, whence=0):
            return 0

    assert refusal(Unread()).code == "too_large"


def test_it_measures_the_content_rather_than_trusting_the_declared_size():
    uploaded = badfiles.big_pdf()
    uploaded.size = 1000
    assert refusal(uploaded).code == "too_large"


def test_it_refuses_an_exe_renamed_to_pdf():
    error = refusal(badfiles.exe_as_pdf(), allowed=DOCUMENT_TYPES)
    assert error.code == "type"
    assert error.messages == [
        "Файл «программа.pdf» не является документом PDF, DOCX, ODT или XLSX: "
        "по содержимому это другой тип файла."
    ]


def test_it_refuses_a_pdf_named_docx_and_says_what_to_call_it():
    error = refusal(badfiles.pdf_named_docx())
    assert error.code == "extension"
    assert "«программа.docx» по содержимому — документ PDF" in error.messages[0]
    assert "переименуйте его в «программа.pdf»" in error.messages[0]


def test_it_refuses_a_file_named_without_extension():
    error = refusal(badfiles.good_pdf("программа"))
    assert error.code == "extension"
    assert "«программа.pdf»" in error.messages[0]


def test_it_refuses_images_where_only_documents_are_allowed():
    error = refusal(badfiles.good_png(), allowed=DOCUMENT_TYPES)
    assert error.code == "type"
    assert error.messages == [
        "Файл «грамота.png» — изображение PNG, а здесь принимаются только документы "
        "PDF, DOCX, ODT или XLSX."
    ]


@pytest.mark.parametrize(
    "build", [badfiles.zip_renamed_docx, badfiles.spreadsheet_named_odt, badfiles.legacy_doc]
)
def test_it_refuses_containers_of_another_format(build):
    uploaded = build()
    error = refusal(uploaded)
    assert error.code == "type"
    assert f"«{uploaded.name}»" in error.messages[0]


def test_it_asks_to_convert_an_old_word_document():
    error = refusal(badfiles.legacy_doc())
    assert "старом формате Word или Excel" in error.messages[0]


@pytest.mark.parametrize(
    "build", [badfiles.zip_bomb_docx, badfiles.crowded_docx, badfiles.traversal_docx]
)
def test_it_refuses_zip_bombs(build):
    error = refusal(build())
    assert error.code == "zip_bomb"
    assert error.messages[0].startswith("Файл «программа.docx» похож на архив-бомбу")


def test_it_accepts_a_docx_with_many_pictures_under_the_limit():
    assert inspect_upload(badfiles.crowded_docx(entries=4900), allowed=DOCUMENT_TYPES).type == (
        "docx"
    )


def test_it_refuses_an_encrypted_pdf():
    error = refusal(badfiles.encrypted_pdf())
    assert error.code == "encrypted"
    assert error.messages == ["Файл «программа.pdf» защищён паролем: загрузите PDF без пароля."]


def test_it_refuses_a_password_protected_office_document():
    error = refusal(badfiles.encrypted_docx())
    assert error.code == "encrypted"
    assert "«программа.docx» защищён паролем" in error.messages[0]


@pytest.mark.parametrize("build", [badfiles.damaged_pdf, badfiles.truncated_jpeg])
def test_it_refuses_damaged_files(build):
    uploaded = build()
    error = refusal(uploaded)
    assert error.code == "damaged"
    assert f"Файл «{uploaded.name}» повреждён" in error.messages[0]


def test_it_refuses_an_image_of_too_many_pixels():
    error = refusal(badfiles.huge_png())
    assert error.code == "too_large"
    assert "(8000×7000 точек)" in error.messages[0]
    assert "не больше 50 мегапикселей" in error.messages[0]


@pytest.mark.parametrize("build", [badfiles.good_docx, badfiles.exe_as_pdf])
def test_it_leaves_the_file_at_its_start(build):
    uploaded = build()
    uploaded.read(5)
    with contextlib.suppress(ValidationError):
        inspect_upload(uploaded, allowed=PORTFOLIO_TYPES)
    assert uploaded.tell() == 0


def test_it_checks_a_file_django_kept_on_disk():
    name, content = badfiles.raw(badfiles.good_xlsx())
    with TemporaryUploadedFile(name, "application/octet-stream", len(content), None) as uploaded:
        uploaded.write(content)
        info = inspect_upload(uploaded, allowed=DOCUMENT_TYPES)
        assert info.type == "xlsx"
        assert uploaded.read() == content


def test_it_offers_only_the_allowed_extensions_in_the_file_dialog():
    assert UploadField(allowed=DOCUMENT_TYPES).widget.attrs["accept"] == ".pdf,.docx,.odt,.xlsx"
    html = str(files_form()["files"])
    assert 'accept=".pdf,.docx,.odt,.xlsx,.jpg,.jpeg,.png"' in html
    assert "multiple" in html


def test_it_attaches_upload_info_in_the_single_field():
    uploaded = UploadField(allowed=DOCUMENT_TYPES).clean(badfiles.good_odt())
    assert uploaded.upload_info.type == "odt"


def test_it_names_the_file_in_the_single_fields_error():
    with pytest.raises(ValidationError) as caught:
        UploadField(allowed=DOCUMENT_TYPES).clean(badfiles.empty_pdf("план.pdf"))
    assert caught.value.messages == ["Файл «план.pdf» пустой."]


def test_it_cleans_several_files_through_a_form():
    form = files_form(badfiles.good_pdf(), badfiles.good_png())
    assert form.is_valid(), form.errors
    assert [f.upload_info.type for f in form.cleaned_data["files"]] == ["pdf", "png"]


def test_it_names_every_bad_file_among_several():
    form = files_form(
        badfiles.good_pdf(), badfiles.exe_as_pdf("a.pdf"), badfiles.empty_pdf("b.pdf")
    )
    assert not form.is_valid()
    errors = form.errors["files"]
    assert len(errors) == 2
    assert "«a.pdf»" in errors[0]
    assert errors[1] == "Файл «b.pdf» пустой."


def test_it_refuses_more_than_ten_files_at_once():
    form = files_form(*[badfiles.good_pdf(f"программа {n}.pdf") for n in range(11)])
    assert not form.is_valid()
    assert form.errors["files"] == ["Можно загрузить не больше 10 файлов за раз, а выбрано 11."]


def test_it_requires_at_least_one_file():
    form = files_form()
    assert not form.is_valid()
    assert form.has_error("files", "required")
