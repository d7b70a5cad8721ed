"""Fixtures shared by the whole suite.

The suite runs once on SQLite and once on PostgreSQL (``make test`` sets DATABASE_URL for
the second run). Starting content is loaded once per session into the test database and its
rows are kept in memory; tests that flush the database (live-server browser tests, worker
tests) put those rows back through ``content``, which costs a few bulk inserts instead of a
whole ``load-content`` run.
"""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from d4sme.registry.models import Economy, Organisation, OrganisationKind, Role, User
from d4sme.registry.services import membership_grant, organisation_register, user_sign_up

PASSWORD = "a-long-test-password-1"


def load_all_content() -> None:
    call_command("load_content", stdout=StringIO())


def content_tables() -> list[str]:
    """Return the tables of every model, many-to-many tables included."""
    return sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )


def content_snapshot() -> list[tuple[str, object]]:
    """Return every non-empty table's rows, as the starting content left them."""
    quote = connection.ops.quote_name
    # Generated columns (an organisation's size class) are computed, not written.
    stored_columns = {
        model._meta.db_table: [
            field.column
            for field in model._meta.local_concrete_fields
            if not getattr(field, "generated", False)
        ]
        for model in apps.get_models(include_auto_created=True)
    }
    snapshot = []
    with connection.cursor() as cursor:
        for table in content_tables():
            if connection.vendor == "postgresql":
                # COPY keeps every type as it is (JSON, arrays, intervals) without adapting it.
                with cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    snapshot.append((table, data))
                continue
            columns = stored_columns[table]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
            rows = cursor.fetchall()
            if rows:
                snapshot.append((table, (columns, rows)))
    return snapshot


def content_restore(snapshot) -> None:
    """Put the snapshot's rows back in the (flushed) database, with the same keys."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django declares them deferrable), so tables
        # may be filled in any order. A flush recreates content types and permissions (its
        # post-migrate signal), possibly under other keys: the snapshot's rows replace them.
        for table, rows in snapshot:
            cursor.execute(f"DELETE FROM {quote(table)}")
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                    copy.write(rows)
                continue
            columns, values = rows
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


_snapshot: list = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_all_content()
        _snapshot[:] = content_snapshot()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test must not leave pages it cached."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request in another language leaves it active otherwise."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def content(db):
    """Make sure the starting content is present (it is, unless a flush removed it)."""
    if not Economy.objects.exists():
        content_restore(_snapshot)


@pytest.fixture
def database_vendor() -> str:
    return connection.vendor


def make_user(email: str, **extra) -> User:
    return user_sign_up(email=email, password=PASSWORD, first_name=email.split("@")[0], **extra)


def make_sme(user: User, name: str, economy: str = "KR", **fields) -> Organisation:
    return organisation_register(
        user=user,
        kind=OrganisationKind.SME,
        legal_name=name,
        economy=Economy.objects.get(code=economy),
        isic_division=fields.pop("isic_division", "10"),
        employees=fields.pop("employees", 5),
        **fields,
    )


@dataclass
class World:
    """Two SMEs with their members, and one user for each other role the policy names."""

    users: dict[str, User]
    org_a: Organisation
    org_b: Organisation
    agency: Organisation

    def user(self, actor: str) -> User | None:
        return self.users.get(actor)


@pytest.fixture
def world(content) -> World:
    return build_world()


def build_world() -> World:
    """Create the world's users and organisations in the test database; return the world."""
    sme_a, sme_b = make_user("owner-a@example.org"), make_user("owner-b@example.org")
    org_a = make_sme(sme_a, "Alpha Bakery")
    org_b = make_sme(sme_b, "Beta Tools", economy="BR", isic_division="25")
    agency = Organisation.objects.get(code="kr-kosmo")
    manager = make_user("manager@example.org")
    membership_grant(user=manager, organisation=agency, role=Role.PROGRAMME_MANAGER)
    analyst = make_user("analyst@example.org")
    membership_grant(
        user=analyst, organisation=Organisation.objects.get(code="oecd"), role=Role.ANALYST
    )
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return World(
        users={
            "sme_a": sme_a,
            "sme_b": sme_b,
            "manager": manager,
            "analyst": analyst,
            "admin": admin,
        },
        org_a=org_a,
        org_b=org_b,
        agency=agency,
    )


@pytest.fixture(scope="module")
def built_access_world(django_db_setup, django_db_blocker):
    """The authorisation test's world, built once per module in a transaction rolled back at its
    end.

    Each test still runs in its own savepoint (pytest-django's ``db``), so whatever a request
    writes is undone before the next one: every (endpoint, actor) pair meets the same world,
    without paying to build it a thousand times.
    """
    from tests.test_authorisation import build_access_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_access_world(build_world())
        transaction.set_rollback(True)


@pytest.fixture
def access_world(built_access_world, db):
    """The world, a token, a programme with calls, applications, a cohort, drafts, a report."""
    return built_access_world
