"""A MeasureContext that serves the benchmark's requests in-process (Django's test client, with the bench
middleware that reports server time and query count) instead of over HTTP to gunicorn, with few samples:
a scenario's measure() runs end to end against the test database in seconds."""

import time

from django.test import Client, override_settings

from bench.harness import HELLO_PATH, MeasureContext


class _Response:
    def __init__(self, response) -> None:
        self.status = response.status_code
        self._headers = response.headers

    def getheader(self, name: str, default=None):
        return self._headers.get(name, default)


class InProcessContext(MeasureContext):
    def __init__(self, settings) -> None:
        super().__init__("small", port=0, hello={"rps": 100.0, "median_ms": 1.0})
        self._override = override_settings(
            MIDDLEWARE=["bench.middleware.BenchMetricsMiddleware", *settings.MIDDLEWARE])
        self._clients: dict[str, Client] = {}
        self.paths: list[tuple[str, int]] = []

    def __enter__(self):
        self._override.enable()
        return self

    def __exit__(self, *exc):
        self._override.disable()

    def _client(self, username):
        if username not in self._clients:
            from django.contrib.auth import get_user_model

            client = Client(HTTP_HOST="127.0.0.1")
            if username:
                client.force_login(get_user_model().objects.get(username=username),
                                   backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
            self._clients[username] = client
        return self._clients[username]

    def get(self, path, user=None, conn=None, *, method="GET", form="", extra_headers=None):
        started = time.perf_counter()
        client = self._client(user)
        response = client.post(path, form, content_type="application/x-www-form-urlencoded") \
            if method == "POST" else client.get(path, headers=extra_headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.paths.append((path, response.status_code))
        return _Response(response), body, (time.perf_counter() - started) * 1000

    def sample(self, path, user, requests, expect_status=200, *, afresh=False):
        return super().sample(path, user, 3, expect_status, afresh=afresh)

    def throughput(self, path, user, seconds=4.0, clients=8):
        if path == HELLO_PATH:  # not routed in the tests' URLconf: the floor this context was given
            return {"rps": self.hello["rps"], "non_2xx": 0, "tool": "in-process"}
        deadline, count = time.perf_counter() + 0.2, 0
        while time.perf_counter() < deadline:
            self.get(path, user)
            count += 1
        return {"rps": count / 0.2, "non_2xx": 0, "tool": "in-process"}
