"""Bring locale/ in step with the code: extract new strings into the da, ca and fr catalogues, then compile them.

New strings arrive with an empty translation: translate them in locale/<language>/LC_MESSAGES/django.po
and run the command again, so the compiled .mo files follow.
"""

import re

from django.core.management import BaseCommand, call_command

from caseload.catalogues import MAKEMESSAGES_OPTIONS, TRANSLATED_LANGUAGES, catalogue_path

# The extraction time changes on every run: left in, every branch that runs the command conflicts on it.
CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--compile-only", action="store_true", help="Only compile the .po files into .mo files.")

    def handle(self, *args, compile_only=False, **options):
        if not compile_only:
            call_command("makemessages", **MAKEMESSAGES_OPTIONS)
            for language in TRANSLATED_LANGUAGES:
                path = catalogue_path(language)
                path.write_text(CREATION_DATE.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
        call_command("compilemessages", locale=TRANSLATED_LANGUAGES, ignore_patterns=[".venv/*"], verbosity=0)
        self.stdout.write("Catalogues updated: " + ", ".join(TRANSLATED_LANGUAGES))
