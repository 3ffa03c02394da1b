import time


class ServerTimingMiddleware:
    """Outermost middleware: how long the server took, from the first middleware to the last byte queued.

    Sessions, authentication, the view, rendering and the session save are inside the measurement;
    the test client's own work (building the request, parsing cookies) is not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response
