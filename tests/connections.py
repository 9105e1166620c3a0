"""How many connections the test run holds on the PostgreSQL server (issue 14: within its 100 connections).

The controlling process samples pg_stat_activity once a second in a background thread while the workers run
(every client backend on the server: the workers, the Celery workers, live servers and gunicorn processes the
tests start, the demo builds). The summary prints the peak; a peak above BUDGET fails the run, so that a change
that opens connections per test, or one more xdist worker than the server can take, is caught here rather than
as "too many clients" in a random test."""

import threading

import psycopg2

# PostgreSQL's max_connections is 100, three of them reserved for superusers; leave room for a developer's
# own sessions and a second run.
BUDGET = 60
INTERVAL = 1.0


class ConnectionSampler:
    def __init__(self, params: dict):
        self.params = {**params, "dbname": "postgres"}
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-connection-sampler", daemon=True)

    def start(self) -> "ConnectionSampler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            conn = psycopg2.connect(**self.params)
        except psycopg2.Error:
            return  # no server: the tests that need it say so
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while not self._stop.is_set():
                    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                                "AND pid <> pg_backend_pid()")
                    self.peak = max(self.peak, cur.fetchone()[0])
                    self.samples += 1
                    self._stop.wait(INTERVAL)
        except psycopg2.Error:
            pass
        finally:
            conn.close()

    def report(self) -> str:
        return (f"PostgreSQL connections: peak {self.peak} client connections in {self.samples} samples "
                f"(budget {BUDGET})")

    @property
    def over_budget(self) -> bool:
        return self.peak > BUDGET
