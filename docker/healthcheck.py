"""Exit 0 when the web server in this container answers the sign-in page without a server error.

It asks the way the reverse proxy does: for an allowed host, over HTTPS as far as Django can tell,
so that neither ALLOWED_HOSTS nor SECURE_SSL_REDIRECT turns a healthy server into a failed check.
"""

import http.client
import os
import sys

hosts = [host.strip().lstrip(".") for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
host = next((host for host in hosts if host != "*"), "localhost")

try:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=5)
    connection.request("GET", "/login/", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
except OSError as error:
    print(f"web server not answering: {error}")
    sys.exit(1)
print(f"GET /login/ as {host}: {status}")
sys.exit(0 if status < 500 else 1)
