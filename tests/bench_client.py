"""A benchmark MeasureContext that serves its requests in-process through Django's test client (with the
bench's own metrics middleware), so that a scenario's measure() can run inside a test on a tiny data set."""

from django.conf import settings
from django.test import Client, override_settings

from bench.harness import MeasureContext


class _Answer:
    """What the harness reads of an http.client response."""

    def __init__(self, response) -> None:
        self.status = response.status_code
        self._response = response

    def getheader(self, name: str, default=None):
        return self._response.headers.get(name, default)


class ClientMeasureContext(MeasureContext):
    def __init__(self, scale: str = "small") -> None:
        super().__init__(scale, port=0, hello={"rps": 100.0, "median_ms": 1.0})
        self._clients: dict[str | None, Client] = {}

    def _client(self, username: str | None) -> Client:
        if username not in self._clients:
            client = Client(HTTP_HOST="127.0.0.1")
            if username:
                from django.contrib.auth import get_user_model

                user = get_user_model().objects.get(username=username)
                client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
            self._clients[username] = client
        return self._clients[username]

    def get(self, path, user=None, conn=None, *, method="GET", form="", extra_headers=None):
        client = self._client(user)
        middleware = ["bench.middleware.BenchMetricsMiddleware", *settings.MIDDLEWARE]
        with override_settings(MIDDLEWARE=middleware):
            if method == "POST":
                response = client.post(path, form, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path, headers=extra_headers)
        return _Answer(response), response.content, 0.0

    def throughput(self, path, user, seconds=4.0, clients=8) -> dict:
        return {"rps": 50.0, "non_2xx": 0, "tool": "test"}
