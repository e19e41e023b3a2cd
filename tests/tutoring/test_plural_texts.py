"""Numbers on the pages read with their Russian word in the right form."""

from types import SimpleNamespace

from django.template.loader import render_to_string

from consultations.forms.booking import RoomChoiceField
from consultations.models import Room
from monitoring.analytical import _journal_note


def test_it_counts_the_steps_of_a_route_in_russian():
    page = render_to_string("community/routes/_progress.html", {"done": 1, "total": 21})
    assert "1 из 21 шага" in page


def test_it_says_with_how_many_participants_the_marks_were_compared():
    figures = SimpleNamespace(compared=61, lower_share=10, same_share=80, higher_share=10)
    assert "у 61 участника:" in _journal_note(figures)


def test_it_names_the_places_of_a_room_in_russian():
    room = SimpleNamespace(name="Каб. 12", capacity=22, point=SimpleNamespace(name="ИМЦ"))
    assert RoomChoiceField(queryset=Room.objects.none()).label_from_instance(room) == (
        "ИМЦ: Каб. 12, 22 места"
    )
