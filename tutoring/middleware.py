from django.utils import timezone

from .access import access_for


class MunicipalityTimezoneMiddleware:
    """Show times in the user's municipality's time zone: Калтан is UTC+7, Лабинск UTC+3.
    A regional coordinator, bound to no municipality, sees the project's default zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        municipality = next(
            (r.municipality for r in access_for(request.user).roles if r.municipality_id), None
        )
        if municipality is not None:
            timezone.activate(municipality.tzinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)
