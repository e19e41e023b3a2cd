"""Backups of the database and the files, and their restore (`manage.py backup` / `restore`).

A backup is a folder: the database (`pg_dump -Fc`, or a copy of the SQLite file made with
SQLite's backup API), every file of Django's default storage under `files/`, and
`manifest.json` with the row count of each table and the size and SHA-256 of each file, so
that a copy can be checked without restoring it and a restore can prove it is complete.

The files are read and written through the storage API only, never through MEDIA_ROOT: the
default storage may be an S3-compatible store.
"""

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import dj_database_url
import psycopg
from django.conf import settings
from django.core.files import File
from django.db import connection
from psycopg import IsolationLevel, sql

MANIFEST = "manifest.json"
FILES = "files"
FORMAT = 1
CHUNK = 1024 * 1024
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A refusal or a failure, in words for the administrator who runs the command."""


def quoted(identifier):
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Database:
    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, params):
        engine = params["ENGINE"]
        if "sqlite" in engine:
            vendor = "sqlite"
        elif "postgres" in engine or "postgis" in engine:
            vendor = "postgresql"
        else:
            raise BackupError(f"Резервное копирование умеет PostgreSQL и SQLite, а не {engine}.")
        return cls(
            vendor=vendor,
            name=str(params["NAME"]),
            user=params.get("USER") or "",
            password=params.get("PASSWORD") or "",
            host=params.get("HOST") or "",
            port=str(params.get("PORT") or ""),
            sslmode=(params.get("OPTIONS") or {}).get("sslmode", ""),
        )

    @classmethod
    def from_url(cls, url):
        return cls.from_settings(dj_database_url.parse(url))

    @classmethod
    def default(cls):
        # The connection's own settings: under the tests they name the test database.
        return cls.from_settings(connection.settings_dict)

    def connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name)
        params = {
            "dbname": self.name,
            "user": self.user,
            "password": self.password,
            "host": self.host,
            "port": self.port,
            "sslmode": self.sslmode,
        }
        try:
            return psycopg.connect(**{k: v for k, v in params.items() if v})
        except psycopg.OperationalError as error:
            raise BackupError(f"Нет подключения к базе «{self.name}»: {error}") from None

    def pg_environment(self):
        """The connection for pg_dump and pg_restore, passed as libpq variables so that the
        password never shows in the process list."""
        env = dict(os.environ)
        for variable, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGSSLMODE", self.sslmode),
        ):
            if value:
                env[variable] = value
        env["PGDATABASE"] = self.name
        return env

    def tables(self, db):
        """{table: rows} of every table of the database, in one snapshot of `db`."""
        if self.vendor == "sqlite":
            names = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {
                name: db.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()[0]
                for name in names
            }
        names = db.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        counts = {}
        for schema, table in names:
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            key = table if schema == "public" else f"{schema}.{table}"
            counts[key] = db.execute(query).fetchone()[0]
        return counts

    def table_counts(self):
        db = self.connect()
        try:
            return self.tables(db)
        finally:
            db.close()

    def is_empty(self):
        if self.vendor == "sqlite" and not Path(self.name).exists():
            return True
        return not self.table_counts()


def postgres_program(name):
    """pg_dump and pg_restore from PATH, else from Debian's /usr/lib/postgresql/<version>/bin
    (the newest: pg_dump refuses a server newer than itself)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(
            f"Не найдена программа {name}. На Debian: apt-get install postgresql-client."
        )
    return candidates[-1]


def run(command, *, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} завершился с ошибкой:\n{result.stderr.strip()}")


# The database ----------------------------------------------------------------------------


def dump_database(database, path):
    """Writes the database to `path`; returns the row counts of the same snapshot."""
    if database.vendor == "sqlite":
        if not Path(database.name).is_file():
            raise BackupError(f"Нет файла базы данных {database.name}.")
        source = database.connect()
        target = sqlite3.connect(path)
        try:
            source.backup(target)
            return database.tables(target)
        finally:
            target.close()
            source.close()
    # pg_dump takes the snapshot exported here, so the counts in the manifest are those of
    # the dump even while the portal keeps writing.
    db = database.connect()
    try:
        db.isolation_level = IsolationLevel.REPEATABLE_READ
        db.read_only = True
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = database.tables(db)
        run(
            [postgres_program("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(path)],
            env=database.pg_environment(),
        )
        db.rollback()
        return counts
    finally:
        db.close()


def restore_database(database, path):
    if not database.is_empty():
        raise BackupError(
            f"База данных «{database.name}» не пуста: восстановление пишет только в пустую базу. "
            "Создайте новую базу (без manage.py migrate) и укажите её в DATABASE_URL "
            "или --database-url."
        )
    if database.vendor == "sqlite":
        source = sqlite3.connect(path)
        target = database.connect()
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    # --no-owner and --no-acl: the roles of the original server need not exist on this one;
    # one transaction, so a failed restore leaves the database empty for another try.
    run(
        [
            postgres_program("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database.name}",
            str(path),
        ],
        env=database.pg_environment(),
    )


# The files -------------------------------------------------------------------------------


def storage_names(storage, directory=""):
    """Every file of the storage, walked with listdir (works for the disk and for S3)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from storage_names(storage, f"{directory}/{name}" if directory else name)


def copy_hashed(source, target):
    """Copies one open file to another; returns (size, sha256)."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def file_hash(path):
    with open(path, "rb") as source:
        return copy_hashed(source, None)


def safe_name(name):
    """A storage name as a relative path inside files/; a manifest cannot point outside."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Недопустимое имя файла в описи: {name!r}.")
    return path


# The backup ------------------------------------------------------------------------------


def portal_version():
    version = None
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    try:
        commit = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": version, "commit": commit or None}


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int


def backup(directory, *, database, storage):
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"Папка {directory} не пуста: каждая копия пишется в новую папку.")
    (directory / FILES).mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    dump = directory / DUMPS[database.vendor]
    counts = dump_database(database, dump)
    dump_size, dump_hash = file_hash(dump)
    # After the database: a file that a dumped row names was already in the storage.
    files = []
    for name in storage_names(storage):
        target_path = directory / FILES / safe_name(name)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(target_path, "wb") as target:
            size, digest = copy_hashed(source, target)
        files.append({"name": name, "size": size, "sha256": digest})
    manifest = {
        "format": FORMAT,
        "created": created.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "portal": portal_version(),
        "database": {
            "vendor": database.vendor,
            "file": dump.name,
            "size": dump_size,
            "sha256": dump_hash,
            "tables": counts,
        },
        "files": files,
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return Summary(
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(files),
        bytes=sum(f["size"] for f in files),
    )


def read_manifest(directory):
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"В папке {directory} нет {MANIFEST}: это не резервная копия.") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{path} повреждён: не читается как JSON.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: неизвестный формат копии {manifest.get('format')!r}.")
    return manifest


def check_file(path, size, sha256, label):
    if not path.is_file():
        return f"{label}: файла нет в копии."
    actual_size, actual_hash = file_hash(path)
    if actual_size != size:
        return f"{label}: размер {actual_size} байт, в описи {size} — файл повреждён."
    if actual_hash != sha256:
        return f"{label}: SHA-256 не совпадает с описью — файл повреждён."
    return None


def verify(directory):
    """What is wrong with a backup's files against its manifest ([] when nothing)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    db = manifest["database"]
    problems = [check_file(directory / db["file"], db["size"], db["sha256"], "база данных")]
    listed = set()
    for entry in manifest["files"]:
        path = directory / FILES / safe_name(entry["name"])
        listed.add(path)
        problems.append(check_file(path, entry["size"], entry["sha256"], entry["name"]))
    for path in sorted((directory / FILES).rglob("*")):
        if path.is_file() and path not in listed:
            problems.append(f"{path.relative_to(directory / FILES)}: файла нет в описи.")
    return [problem for problem in problems if problem]


# The restore -----------------------------------------------------------------------------


def compare(manifest, *, database, storage):
    """What the restored database and storage lack against the manifest ([] when nothing)."""
    problems = []
    expected = manifest["database"]["tables"]
    actual = database.table_counts()
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"таблица {table}: нет в восстановленной базе.")
        elif table not in expected:
            problems.append(f"таблица {table}: есть в базе, но не в описи.")
        elif actual[table] != expected[table]:
            problems.append(f"таблица {table}: строк {actual[table]}, в описи {expected[table]}.")
    present = {}
    for name in storage_names(storage):
        with storage.open(name, "rb") as source:
            present[name] = copy_hashed(source, None)
    for entry in manifest["files"]:
        name = entry["name"]
        if name not in present:
            problems.append(f"{name}: файл не восстановлен.")
        elif present[name] != (entry["size"], entry["sha256"]):
            problems.append(f"{name}: восстановленный файл отличается от копии.")
    for name in sorted(set(present) - {entry["name"] for entry in manifest["files"]}):
        problems.append(f"{name}: в хранилище файл, которого нет в копии.")
    return problems


def restore(directory, *, database, storage):
    """Restores a backup into an empty database and an empty storage; returns what differs
    afterwards ([] when the counts and every file agree with the manifest)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    damaged = verify(directory)
    if damaged:
        raise BackupError("Копия повреждена, восстановление не начато:\n" + "\n".join(damaged))
    vendor = manifest["database"]["vendor"]
    if vendor != database.vendor:
        raise BackupError(
            f"Копия сделана из {vendor}, а восстанавливать нужно в {database.vendor}."
        )
    if next(storage_names(storage), None) is not None:
        raise BackupError(
            "В хранилище файлов уже есть файлы: восстановление пишет только в пустое "
            "(новая папка MEDIA_ROOT или новый бакет)."
        )
    restore_database(database, directory / manifest["database"]["file"])
    for entry in manifest["files"]:
        with open(directory / FILES / safe_name(entry["name"]), "rb") as source:
            saved = storage.save(entry["name"], File(source, name=entry["name"]))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']}: хранилище сохранило файл как {saved}.")
    return compare(manifest, database=database, storage=storage)
