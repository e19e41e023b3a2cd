"""Throwaway PostgreSQL and Redis servers for the test suite, on free local ports.

`start()` runs before Django reads its settings (tests/conftest.py calls it at import), so
that DATABASE_URL and REDIS_URL point at servers of this run alone; `stop()` removes them.
When DATABASE_URL or REDIS_URL is already set, that server is used and none is started.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

MISSING = (
    "{what} is not installed. On Debian: apt-get install {package}\n"
    "(or set {variable} to a server the tests may use)."
)


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ServiceError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f} s")


def postgres_bin(name: str) -> str | None:
    """Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


@dataclass
class Postgres:
    port: int = 0
    root: str = ""
    owner: str | None = None
    # The data directory's name starts with it: a run's own servers are told apart by it.
    prefix: str = "tutoring-pg-"
    # More server settings, e.g. "-c shared_buffers=512MB" for region-sized data.
    settings: str = ""

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tutoring"

    def _run(self, *command: str) -> None:
        # initdb and postgres refuse to run as root: run them as the `postgres` account.
        if self.owner:
            command = ("runuser", "-u", self.owner, "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ServiceError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def start(self) -> None:
        initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise ServiceError(
                MISSING.format(what="PostgreSQL", package="postgresql", variable="DATABASE_URL")
            )
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix=self.prefix)
        if os.geteuid() == 0:
            self.owner = "postgres"
            try:
                account = pwd.getpwnam(self.owner)
            except KeyError as error:
                raise ServiceError(
                    "running as root needs the `postgres` account: apt-get install postgresql"
                ) from error
            os.chown(self.root, account.pw_uid, account.pw_gid)
        data = os.path.join(self.root, "data")
        self._run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        # Durability is of no use to a database that is thrown away: fsync off makes the
        # suite several times faster.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            f"-c max_connections=100 {self.settings}"
        )
        log = os.path.join(self.root, "postgres.log")
        self._run(pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")
        self._run(postgres_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p",
                  str(self.port), "-U", "postgres", "tutoring")  # fmt: skip

    def stop(self) -> None:
        if not self.root:
            return
        data = os.path.join(self.root, "data")
        # A server that is already gone has nothing left to stop.
        with contextlib.suppress(ServiceError):
            self._run(postgres_bin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = ""


@dataclass
class Redis:
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise ServiceError(
                MISSING.format(what="Redis", package="redis-server", variable="REDIS_URL")
            )
        # A Redis started again keeps its port: a test stops it and brings it back.
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


@dataclass
class Services:
    started: list = field(default_factory=list)

    def start(self) -> None:
        if not os.environ.get("DATABASE_URL"):
            self._start(Postgres(), "DATABASE_URL")
        if not os.environ.get("REDIS_URL"):
            self._start(Redis(), "REDIS_URL")

    def _start(self, server, variable: str) -> None:
        try:
            server.start()
        except BaseException:
            server.stop()
            self.stop()
            raise
        self.started.append(server)
        os.environ[variable] = server.url

    def stop(self) -> None:
        while self.started:
            self.started.pop().stop()


@dataclass
class SmtpServer:
    """A real SMTP server process (aiosmtpd) that stores every letter it receives in a
    Maildir: the tests send through Django's SMTP backend and read what arrived."""

    port: int = 0
    root: str = ""
    process: subprocess.Popen | None = None

    def start(self) -> None:
        import sys

        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="tutoring-smtp-")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", self.maildir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    @property
    def maildir(self) -> str:
        return os.path.join(self.root, "maildir")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = ""


@dataclass
class S3Server:
    """A real S3-compatible server process (moto's server mode) that keeps its objects in
    memory: the storage tests write through django-storages and boto3 over HTTP to it, as
    the portal writes to a MinIO on premises."""

    port: int = 0
    process: subprocess.Popen | None = None
    access_key: str = "tutoring-test"
    secret_key: str = "tutoring-test-secret"  # moto accepts any key
    region: str = "us-east-1"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import sys

        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def env(self, bucket: str, prefix: str = "") -> dict:
        """The S3_* variables that point the portal's settings at `bucket` of this server."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": self.region,
            "S3_PREFIX": prefix,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(Bucket=bucket)

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
