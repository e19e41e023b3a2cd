"""Forms of the library of methodical materials."""

from django import forms

from tutoring.models import Municipality, Subject, User
from tutoring.uploads import UploadField

from ..models import Material
from ..services.library import LIBRARY_TYPES, eligible_authors

GRADE_CHOICES = [("", "—"), *((grade, str(grade)) for grade in range(1, 12))]
FILE_HELP = (
    "pdf, docx, odt, xlsx, jpg или png, до 20 МБ; файлы с паролем не принимаются. "
    "Запись мастер-класса приложите ссылкой."
)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


def _grade(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False
    )


class MaterialForm(forms.Form):
    """A material's card and its file or link. Whether it has one or the other, and whether
    the classes are in order, the service decides (its message is shown above the form)."""

    kind = forms.ChoiceField(label="Вид материала", choices=Material.Kind.choices)
    title = forms.CharField(label="Название", max_length=300)
    description = forms.CharField(
        label="Описание",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="О чём материал, для кого он и как им пользоваться: по этому тексту "
        "материал находят в поиске.",
    )
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы (направления)",
        queryset=Subject.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Можно не отмечать, если материал не связан с предметом.",
    )
    grade_from = _grade("С класса")
    grade_to = _grade("По класс")
    authors = PeopleChoiceField(
        label="Авторы",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Тьюторы и методисты муниципалитета. Авторство сохраняется за ними "
        "и видно всем читателям библиотеки.",
        error_messages={"required": "Отметьте хотя бы одного автора."},
    )
    file = UploadField(label="Файл", allowed=LIBRARY_TYPES, required=False, widget=forms.FileInput)
    remove_file = forms.BooleanField(label="Удалить прежний файл", required=False)
    link = forms.URLField(
        label="Ссылка",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Например, на запись мастер-класса или на материал на сайте школы.",
    )

    def __init__(
        self, *args, municipality: Municipality, material: Material | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["authors"].queryset = eligible_authors(municipality, material=material)
        if material is not None:
            self.fields["subjects"].queryset = Subject.objects.active(keep=material.subjects.all())
        if material is not None and material.file:
            self.fields["file"].help_text = (
                f"Сейчас приложен «{material.file_name}». Выберите новый файл, чтобы заменить "
                f"его. {FILE_HELP}"
            )
            self.fields["remove_file"].label = f"Удалить файл «{material.file_name}»"
        else:
            self.fields["file"].help_text = FILE_HELP
            del self.fields["remove_file"]


def material_initial(material: Material) -> dict:
    """The form's starting values: the form leaves the material alone, so that the service
    compares the old values with the new ones for the audit log."""
    return {
        "kind": material.kind,
        "title": material.title,
        "description": material.description,
        "subjects": list(material.subjects.all()),
        "grade_from": material.grade_from,
        "grade_to": material.grade_to,
        "authors": list(material.authors.all()),
        "link": material.link,
    }


class MaterialReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Напишите, что нужно доработать: авторы увидят этот комментарий."
        },
    )
