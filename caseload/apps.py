from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _unicode_upper_on_sqlite(sender, connection, **kwargs):
    """SQLite's UPPER() leaves ø, é and ç alone; PostgreSQL's does not. Development runs on SQLite
    with the agency's names (Sørensen, Vilà, Besançon), so give it Python's rules."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "UPPER", 1, lambda text: text.upper() if isinstance(text, str) else text, deterministic=True
        )


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = "Caseload"

    def ready(self):
        from caseload import audit, remembered_i18n, signals  # noqa: F401  (login and logout are audited)

        audit.connect_audited_models()
        remembered_i18n.install()
        connection_created.connect(_unicode_upper_on_sqlite, dispatch_uid="sqlite-unicode-upper")
