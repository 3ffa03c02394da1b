from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = "Caseload"

    def ready(self):
        from caseload import audit, signals  # noqa: F401  (login and logout are audited)

        audit.connect_audited_models()
