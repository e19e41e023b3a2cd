"""The test tooling says which Debian package to install when a server is missing."""

import pytest

from tests import services


def test_it_names_the_package_when_postgresql_is_missing(monkeypatch):
    monkeypatch.setattr(services, "postgres_bin", lambda name: None)
    with pytest.raises(services.ServiceError, match="apt-get install postgresql"):
        services.Postgres().start()


def test_it_names_the_package_when_redis_is_missing(monkeypatch):
    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    with pytest.raises(services.ServiceError, match="apt-get install redis-server"):
        services.Redis().start()


def test_it_finds_postgresql_where_debian_puts_it():
    assert services.postgres_bin("pg_ctl").endswith("/pg_ctl")
