"""«проверьте логин в карточке школы» leads to where the user may fix the login."""

import pytest
from django.urls import reverse

from tutoring.models import Organization

from .factories import checked, make_world, school_file


@pytest.fixture
def world(db):
    return make_world()


def test_it_links_an_unknown_login_to_the_card_of_the_school_of_that_name(client, world):
    batch = checked(world, school_file(5, login="edu230999", name="МОБУ СОШ № 20"))
    client.force_login(world.methodist)
    text = client.get(batch.get_absolute_url()).content.decode()
    edit = reverse("organization_update", args=[world.other_school.pk])
    assert f'<a href="{edit}">проверьте логин в карточке школы</a> «МОБУ СОШ № 20».' in text


def test_it_links_an_unknown_school_to_the_municipalitys_organizations(client, world):
    batch = checked(world, school_file(5, login="edu230999", name="МОБУ СОШ № 99"))
    client.force_login(world.methodist)
    text = client.get(batch.get_absolute_url()).content.decode()
    listing = f"{reverse('organization_list')}?municipality={world.municipality.pk}"
    assert f'<a href="{listing}">проверьте логин в карточке школы</a>.' in text


def test_a_director_reads_the_hint_without_a_link(client, world):
    batch = checked(world, school_file(5, login="edu230999", name="МОБУ СОШ № 20"))
    client.force_login(world.director)
    text = client.get(batch.get_absolute_url()).content.decode()
    assert "проверьте логин в карточке школы «МОБУ СОШ № 20»." in text
    assert reverse("organization_update", args=[world.other_school.pk]) not in text


def test_the_methodist_fixes_the_login_and_the_file_passes(client, world):
    checked(world, school_file(5, login="edu230999", name="МОБУ СОШ № 20"))
    client.force_login(world.methodist)
    school = world.other_school
    client.post(
        reverse("organization_update", args=[school.pk]),
        {
            "kind": "school",
            "name": school.name,
            "short_name": school.short_name,
            "fis_oko_login": "edu230999",
            "inn": "",
            "address": "",
            "head_position": "",
            "head_name": "",
            "head_since": "",
        },
    )
    assert Organization.objects.get(pk=school.pk).fis_oko_login == "edu230999"
    batch = checked(world, school_file(5, login="edu230999", name="МОБУ СОШ № 20"))
    assert batch.errors == []
