# One image for the web server, the Celery worker and beat: docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=caseload.settings

# WeasyPrint renders care-plan PDFs with Pango and HarfBuzz (the subsetter keeps PDFs small).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin caseload \
    && mkdir -p /app /var/lib/caseload/files /var/lib/caseload/beat \
    && chown -R caseload:caseload /var/lib/caseload

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected once, into the image, and served by WhiteNoise with hashed names.
# The key below exists only for this build step: at run time the app refuses to start without
# the operator's SECRET_KEY.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything \
    python manage.py collectstatic --noinput

USER caseload

EXPOSE 8000

CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "caseload.wsgi:application"]
