from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LoginOrEmailBackend(ModelBackend):
    """Signs in by login or by e-mail address: people added by a methodist or an import
    know their address, not the login the portal made for them."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            User = get_user_model()
            found = User.objects.filter(email__iexact=username.strip()).first()
            if found is not None:
                username = found.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        # The user of each request comes with the count of their unread notifications, which
        # the bell of every page shows (tutoring.templatetags.notifications): one query for
        # both rather than one more on every page.
        from .notifications import with_unread_count

        User = get_user_model()
        try:
            user = with_unread_count(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
