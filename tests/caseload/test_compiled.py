"""CompiledQuery: Django's SQL built once, run with new values, rows converted as Django converts them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import DateField, Exists, OuterRef, UUIDField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseload.compiled import CompiledQuery, Param
from caseload.models import ProgressNote, User
from clients.models import Client
from tests.factories import ClientFactory, ProgressNoteFactory, RiskFlagFactory

pytestmark = pytest.mark.django_db


def test_it_builds_once_and_runs_with_each_value(case_manager, teammate):
    built = []

    def build():
        built.append(1)
        return Client.objects.filter(case_manager_id=Param("user", User._meta.pk)).order_by("client_number").values_list(
            "client_number"
        )

    mine = ClientFactory.create_batch(2, case_manager=case_manager)
    theirs = ClientFactory(case_manager=teammate)
    query = CompiledQuery(build)
    assert query.rows(user=case_manager.pk) == sorted((client.client_number,) for client in mine)
    assert query.rows(user=teammate.pk) == [(theirs.client_number,)]
    assert query.rows(user=teammate.pk + 1000) == []
    assert built == [1]


def test_it_gives_the_columns_in_the_order_asked_and_converts_them_as_django_does(case_manager):
    client = ClientFactory(case_manager=case_manager)
    RiskFlagFactory(client=client)
    contact_at = timezone.now() - timedelta(days=3)
    ProgressNoteFactory(client=client, author=case_manager, contact_at=contact_at)
    from assessments.models import RiskFlag

    query = CompiledQuery(lambda: (
        Client.objects.filter(pk=Param("client", UUIDField()))
        .annotate(
            at_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
            seen_after=Exists(ProgressNote.objects.filter(client_id=OuterRef("pk"), contact_at__date__gte=Param("day", DateField()))),
        )
        .values_list("at_risk", "pk", "date_of_birth", "seen_after")
    ))
    assert query.names() == ("at_risk", "pk", "date_of_birth", "seen_after")
    [row] = query.rows(client=client.pk, day=timezone.localdate() - timedelta(days=5))
    # The same values, of the same types, as the queryset itself gives on this database.
    assert row == (True, client.pk, client.date_of_birth, True)
    assert [type(value) for value in row] == [bool, type(client.pk), type(client.date_of_birth), bool]
    assert query.rows(client=client.pk, day=timezone.localdate())[0][3] is False


def test_a_datetime_comes_back_aware_like_the_querysets(case_manager):
    client = ClientFactory(case_manager=case_manager)
    note = ProgressNoteFactory(client=client, author=case_manager)
    query = CompiledQuery(lambda: ProgressNote.objects.filter(client_id=Param("client", UUIDField())).values_list("contact_at"))
    [(contact_at,)] = query.rows(client=client.pk)
    assert contact_at == ProgressNote.objects.values_list("contact_at", flat=True).get(pk=note.pk)
    assert timezone.is_aware(contact_at)


def test_it_runs_through_the_connection_so_every_statement_is_seen(case_manager):
    query = CompiledQuery(lambda: Client.objects.filter(case_manager_id=Param("user", User._meta.pk)).values_list("pk"))
    with CaptureQueriesContext(connection) as captured:
        query.rows(user=case_manager.pk)
    assert len(captured) == 1 and "clients_client" in captured[0]["sql"]


def test_it_refuses_a_queryset_of_model_instances():
    query = CompiledQuery(lambda: Client.objects.filter(case_manager_id=Param("user", User._meta.pk)))
    with pytest.raises(TypeError, match="values"):
        query.rows(user=1)


def test_instances_are_loaded_as_the_orm_loads_them_with_the_rest_deferred(case_manager):
    from caseload.compiled import columns

    client = ClientFactory(case_manager=case_manager, pronouns="they/them")
    query = CompiledQuery(lambda: (
        Client.objects.filter(pk=Param("client", UUIDField()))
        .values_list(*columns(Client, only=("id", "pronouns", "legal_family_name", "client_number")))
    ))
    [loaded] = query.instances(Client, client=client.pk)
    assert loaded.get_deferred_fields() >= {"phone", "email", "date_of_birth", "legal_given_name"}
    assert (loaded.pk, loaded.pronouns, loaded.legal_family_name, loaded.client_number) == (
        client.pk, "they/them", client.legal_family_name, client.client_number,
    )
    assert loaded._state.adding is False and loaded._state.db == "default"


def _quoted_names_query():
    return CompiledQuery(lambda: (
        Client.objects.filter(case_manager_id=Param("user", User._meta.pk), legal_family_name="O'Brien 100%")
        .exclude(status=Client.Status.DISCHARGED)
        .values_list("client_number")
    ))


def test_constants_with_quotes_and_percent_signs_match_as_the_queryset_matches(case_manager):
    wanted = ClientFactory(case_manager=case_manager, legal_family_name="O'Brien 100%")
    ClientFactory(case_manager=case_manager, legal_family_name="O'Brien 100")
    ClientFactory(case_manager=case_manager, legal_family_name="O'Brien 100%", status=Client.Status.DISCHARGED)
    assert _quoted_names_query().rows(user=case_manager.pk) == [(wanted.client_number,)]


@pytest.mark.postgres
def test_on_postgresql_only_the_params_stay_parameters(case_manager):
    ClientFactory(case_manager=case_manager, legal_family_name="O'Brien 100%")
    query = _quoted_names_query()
    compiled = query._compile("default")
    # The constants are in the statement, quoted by the driver (% doubled for it); the case manager is its one parameter.
    assert "'O''Brien 100%%'" in compiled.sql and "'discharged'" in compiled.sql
    assert compiled.sql.count("%s") == 1 and len(compiled.params) == 1
    # The statement is the same text on every run, so the connection prepares it (prepare_threshold).
    for _ in range(6):
        assert len(query.rows(user=case_manager.pk)) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%O''Brien 100%%"])
        assert cursor.fetchone()[0] == 1
