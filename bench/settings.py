"""Settings for the benchmark: the app's own settings, run as in production (DEBUG off).

Only what the benchmark needs differs: a fixed secret key and host for the in-process test client,
plain HTTP (no TLS redirect, no secure-only cookies), the bench URLconf with its floor page, and a
middleware that times each request on the server side.
"""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "b" * 40)

from caseload.settings import *  # noqa: E402,F403
from caseload.settings import MIDDLEWARE  # noqa: E402

DEBUG = False
SECRET_KEY = "benchmark-only-key-" + "b" * 40
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]

# The test client speaks plain HTTP; TLS is the proxy's work in production.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The hashed-name manifest needs collectstatic; a page's cost does not depend on it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

