"""One's own account: accepting an invitation, restoring a forgotten password, confirming a
new e-mail address. The letters go through `tutoring.mail.queue_letter`."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms import EmailChangeForm
from ..mail import portal_url, queue_letter
from ..refusals import attempt
from ..services import people
from . import profile_page

# The backend `login()` records for a person who signed in by setting their password.
LOGIN_BACKEND = "tutoring.backends.LoginOrEmailBackend"


@never_cache
def invitation_accept(request, token):
    invitation = people.invitation_by_token(token)
    if invitation is None:
        # 410: the link was real once (or never was); either way it opens nothing now.
        return render(request, "registration/invitation_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    _russian_password_labels(form)
    if request.method == "POST" and form.is_valid():
        # The refusal goes on the form, which the page of a spent link does not show.
        done = attempt(
            request,
            people.invitation_accept,
            form=form,
            actor=False,
            token=token,
            password=form.cleaned_data["new_password1"],
        )
        if not done:
            return render(request, "registration/invitation_invalid.html", status=410)
        person = done.value
        login(request, person, backend=LOGIN_BACKEND)
        messages.success(request, "Пароль задан. Добро пожаловать на портал!")
        return redirect("home")
    return render(
        request,
        "registration/invitation_accept.html",
        {"form": form, "person": invitation.user},
    )


def _russian_password_labels(form) -> None:
    form.fields["new_password1"].label = "Новый пароль"
    form.fields["new_password2"].label = "Новый пароль ещё раз"


# Password reset. Limits: at most RESET_PER_ADDRESS letters asked for one address and
# RESET_PER_CLIENT requests from one client address per RESET_WINDOW seconds. They are
# counted whether or not the address belongs to anybody, so the answer tells nothing.
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 20
RESET_WINDOW = 60 * 60


def _client_ip(request) -> str:
    # The same precedence as django-axes (settings.AXES_IPWARE_META_PRECEDENCE_ORDER): the
    # portal runs behind a proxy that sets X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=RESET_WINDOW)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RESET_WINDOW)
        return False


class PortalPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Адрес электронной почты"
        self.fields["email"].help_text = "Тот, что указан в вашем профиле на портале."

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        path = reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        link = portal_url(path)
        queue_letter(
            to=to_email,
            subject="Восстановление пароля на портале сообщества тьюторов",
            template="tutoring/email/password_reset.txt",
            context={"person": user, "link": link, "login": user.get_username()},
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if _over_limit(f"password-reset:ip:{_client_ip(self.request)}", RESET_PER_CLIENT) or (
            _over_limit(f"password-reset:email:{email}", RESET_PER_ADDRESS)
        ):
            form.add_error(
                "email",
                "Слишком много запросов на восстановление пароля. Попробуйте через час "
                "или обратитесь к методисту.",
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _russian_password_labels(form)
        return form

    def form_valid(self, form):
        people.password_reset(user=form.user, new_password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


# A person's own address.


@login_required
@require_POST
def email_change_request(request):
    form = EmailChangeForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            people.email_change_request,
            form=form,
            actor=False,
            success=f"На адрес {form.cleaned_data['email'].strip()} отправлено письмо со "
            "ссылкой. Адрес сменится, когда вы её откроете.",
            user=request.user,
            new_email=form.cleaned_data["email"],
        )
        if done:
            return redirect("profile")
    return profile_page(request, email_form=form)


@login_required
def email_change_confirm(request, token):
    attempt(
        request,
        people.email_change_confirm,
        actor=False,
        success=lambda user: f"Адрес электронной почты подтверждён: {user.email}.",
        user=request.user,
        token=token,
    )
    return redirect("profile")
