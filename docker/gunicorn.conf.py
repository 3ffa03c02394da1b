"""Gunicorn settings for the web container (docker-compose.yml)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 1000
max_requests_jitter = 100
worker_tmp_dir = "/dev/shm"
# The control socket would go under $HOME, which the app user cannot write to; nothing uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# The path alone (%(U)s), never the query string (%(q)s) or the full request line (%(r)s), and no
# referrer, which can carry another page's query: nothing typed into a search reaches the log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
