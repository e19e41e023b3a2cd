"""manage.py backup / restore: a round trip on the test PostgreSQL into a new empty database
and an empty file storage gives the same rows and the same bytes."""

import io
import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from tutoring import backup
from tutoring.models import RoleKind

from .factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "documents/2025/09/prikaz-01-03-24.pdf": b"%PDF-1.7\n" + os.urandom(200_000),
    "consultations/materials/7/Презентация занятия.pptx": os.urandom(5_000),
    "readme.txt": "Файл в корне хранилища\n".encode(),
    "empty.bin": b"",
}


def server_params(dbname):
    params = connection.settings_dict
    return {
        "dbname": dbname,
        "user": params["USER"],
        "password": params["PASSWORD"],
        "host": params["HOST"],
        "port": params["PORT"],
    }


def database_url(dbname):
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    return f"postgresql://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{dbname}"


def row_counts(dbname):
    """Rows of every table of a database, read without Django."""
    with psycopg.connect(**server_params(dbname)) as db:
        tables = db.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        return {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            ).fetchone()[0]
            for schema, table in tables
        }


@pytest.fixture
def empty_database():
    """A new empty database on the test server (the test user is a superuser)."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**server_params("postgres"), autocommit=True) as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**server_params("postgres"), autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def stored(settings, tmp_path):
    """Some rows and some files in the default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    organization = OrganizationFactory()
    user_with_role(RoleKind.METHODIST, municipality=organization.municipality)
    user_with_role(RoleKind.TEACHER, organization=organization)
    for name, content in FILES.items():
        assert default_storage.save(name, ContentFile(content)) == name
    return tmp_path


def backup_to(tmp_path):
    directory = tmp_path / "backup"
    call_command("backup", str(directory), stdout=io.StringIO())
    return directory


def test_it_restores_every_row_and_every_file_into_an_empty_database(
    stored, empty_database, settings, capsys
):
    source = connection.settings_dict["NAME"]
    directory = backup_to(stored)
    settings.MEDIA_ROOT = stored / "restored-media"

    call_command("restore", str(directory), "--database-url", database_url(empty_database))

    restored = row_counts(empty_database)
    assert restored == row_counts(source)
    assert restored["tutoring_user"] >= 2
    restored_files = {
        str(path.relative_to(settings.MEDIA_ROOT)): path.read_bytes()
        for path in Path(settings.MEDIA_ROOT).rglob("*")
        if path.is_file()
    }
    assert restored_files == FILES
    assert "всё совпадает с описью" in capsys.readouterr().out


def test_it_writes_a_manifest_of_the_tables_and_the_files(stored):
    directory = backup_to(stored)

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["tables"] == row_counts(connection.settings_dict["NAME"])
    assert manifest["portal"]["version"]
    assert {f["name"]: f["size"] for f in manifest["files"]} == {
        name: len(content) for name, content in FILES.items()
    }
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])


def test_it_verifies_an_intact_backup(stored, capsys):
    directory = backup_to(stored)

    call_command("backup", "--verify", str(directory))

    assert "цела" in capsys.readouterr().out


def test_it_reports_a_damaged_file_of_a_backup(stored):
    directory = backup_to(stored)
    damaged = directory / "files" / "documents/2025/09/prikaz-01-03-24.pdf"
    content = bytearray(damaged.read_bytes())
    content[1000] ^= 0xFF
    damaged.write_bytes(bytes(content))

    with pytest.raises(CommandError) as error:
        call_command("backup", "--verify", str(directory))

    assert "documents/2025/09/prikaz-01-03-24.pdf: SHA-256 не совпадает" in str(error.value)
    assert "readme.txt" not in str(error.value)


def test_it_reports_a_damaged_database_dump_and_restores_nothing(stored, empty_database, settings):
    directory = backup_to(stored)
    with open(directory / "database.dump", "r+b") as dump:
        dump.truncate(dump.seek(0, os.SEEK_END) // 2)
    settings.MEDIA_ROOT = stored / "restored-media"

    with pytest.raises(CommandError) as error:
        call_command("restore", str(directory), "--database-url", database_url(empty_database))

    assert "база данных: размер" in str(error.value)
    assert "восстановление не начато" in str(error.value)
    assert row_counts(empty_database) == {}
    assert not Path(settings.MEDIA_ROOT).exists()


def test_it_refuses_to_restore_into_a_database_that_is_not_empty(stored, settings):
    directory = backup_to(stored)
    settings.MEDIA_ROOT = stored / "restored-media"
    before = row_counts(connection.settings_dict["NAME"])

    with pytest.raises(CommandError) as error:
        call_command("restore", str(directory))

    assert "не пуста" in str(error.value)
    assert row_counts(connection.settings_dict["NAME"]) == before


def test_it_refuses_to_restore_into_a_storage_that_has_files(stored, empty_database):
    directory = backup_to(stored)

    with pytest.raises(CommandError) as error:
        call_command("restore", str(directory), "--database-url", database_url(empty_database))

    assert "уже есть файлы" in str(error.value)
    assert row_counts(empty_database) == {}


def test_it_refuses_to_write_a_backup_into_a_folder_that_is_not_empty(stored):
    directory = backup_to(stored)

    with pytest.raises(CommandError) as error:
        call_command("backup", str(directory))

    assert "не пуста" in str(error.value)


def test_it_says_that_a_folder_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("backup", "--verify", str(tmp_path))

    assert "это не резервная копия" in str(error.value)


def test_it_round_trips_a_sqlite_database_as_the_demo_runs(tmp_path):
    source = backup.Database(vendor="sqlite", name=str(tmp_path / "db.sqlite3"))
    db = source.connect()
    db.execute("CREATE TABLE person (name TEXT)")
    db.executemany("INSERT INTO person VALUES (?)", [("Орлов",), ("Клименко",)])
    db.commit()
    db.close()
    storage = FileSystemStorage(location=tmp_path / "media")
    storage.save("a/b.txt", ContentFile(b"bytes"))
    backup.backup(tmp_path / "backup", database=source, storage=storage)

    target = backup.Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    restored_storage = FileSystemStorage(location=tmp_path / "restored-media")
    problems = backup.restore(tmp_path / "backup", database=target, storage=restored_storage)

    assert problems == []
    assert target.table_counts() == {"person": 2}
    assert (tmp_path / "restored-media" / "a" / "b.txt").read_bytes() == b"bytes"


def test_it_says_when_the_target_database_does_not_exist(stored, settings):
    directory = backup_to(stored)
    settings.MEDIA_ROOT = stored / "restored-media"

    with pytest.raises(CommandError) as error:
        call_command("restore", str(directory), "--database-url", database_url("no_such_db"))

    assert "Нет подключения к базе «no_such_db»" in str(error.value)
