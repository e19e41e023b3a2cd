from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Subject


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Эта учётная запись отключена. Обратитесь к администратору портала.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Логин"
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class SubjectForm(forms.Form):
    name = forms.CharField(
        label="Название",
        max_length=200,
        help_text="Как в документах и файлах результатов, например «Окружающий мир» или "
        "«Иностранный язык (английский)».",
    )
    kind = forms.ChoiceField(label="Вид", choices=Subject.Kind.choices)
