"""The community's sections of the navigation bar and its panels on the home page."""

from django.urls import reverse

from tutoring.extensions import Panel


def navigation(access):
    if not access.roles:
        return []
    return [("Сообщество тьюторов", reverse("community:index"))]


def home_panel(user, access):
    return None


def profile_panel(user, access):
    return None
