"""Real background services for tests: a Redis server of our own, an SMTP sink, and Celery
workers and beat run as subprocesses against the pytest database.

Use with ``transactional_db`` (the worker is another process: it sees only committed rows).
Worker tests need PostgreSQL; on SQLite they are skipped. Import the fixtures in a conftest:

    from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
PR_SET_PDEATHSIG = 1


def _own_group_dying_with_us() -> None:
    """Run in the child before it starts: its own process group (so a kill reaches its pool),
    and on Linux a SIGTERM when the test process dies, so a killed test run leaves no workers
    behind to take the next run's jobs."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _detached() -> dict:
    """Popen options for a service. The death signal follows the *thread* that started the
    child, so it is asked for only from the main thread (a fault-injecting thread that restarts
    a worker ends long before the test)."""
    if threading.current_thread() is threading.main_thread():
        return {"preexec_fn": _own_group_dying_with_us}
    return {"start_new_session": True}


def free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("No free port")


def wait_for_port(port: int, *, timeout: float = 15, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            is_up = sock.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"Port {port} did not come {'up' if up else 'down'}")


def wait_for_worker(condition, *, worker: "CeleryProcess", seconds: float = 90) -> None:
    """Poll ``condition`` until it holds; on timeout, fail showing the end of the worker's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out. Worker log:\n{worker.log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen, *, sig=signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class RedisServer:
    """Our own redis-server (never the shared one on 6379), keeping nothing across a restart."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            **_detached(),
        )
        wait_for_port(self.port)
        if self.process.poll() is not None:  # the port was up, but it is someone else's server
            raise RuntimeError(f"redis-server could not listen on {self.port}")

    def stop(self) -> None:
        if self.process:
            _stop(self.process, sig=signal.SIGKILL)
            wait_for_port(self.port, up=False)

    def restart(self) -> None:
        self.stop()
        self.start()


class SmtpSink:
    def __init__(self, port: int, record: Path):
        self.port, self.record, self.process = port, record, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.letters.smtp_sink",
                "--port",
                str(self.port),
                "--record",
                str(self.record),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            **_detached(),
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process:
            _stop(self.process)
            wait_for_port(self.port, up=False)

    def messages(self) -> list[dict]:
        if not self.record.exists():
            return []
        with self.record.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]


def service_env(*, broker_url: str, smtp_port: int, **extra) -> dict:
    """The environment a worker needs to share this test's database, broker and mail server."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    env.update({key: str(value) for key, value in extra.items()})
    return env


class CeleryProcess:
    """``celery -A familyfirst worker`` (or beat) in its own process group, logging to a file."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.args, self.env, self.log, self.process = args, env, log, None

    def start(self, *, wait_ready: bool = True) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "familyfirst", *self.args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                **_detached(),
            )
        if wait_ready:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = self.log.read_bytes()[offset:].decode(errors="replace")
                if " ready." in text:
                    return
                if self.process.poll() is not None:
                    raise RuntimeError(f"Celery exited early:\n{text[-3000:]}")
                time.sleep(0.1)
            raise TimeoutError(f"Celery did not become ready; see {self.log}")

    def pool_pids(self) -> list[int]:
        """The prefork pool's child processes: the ones that run tasks."""
        if self.process is None or self.process.poll() is not None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole worker, as the kernel's OOM killer or a lost container would."""
        if self.process:
            _stop(self.process, sig=signal.SIGKILL)

    def stop(self) -> None:
        if self.process:
            _stop(self.process, sig=signal.SIGTERM, timeout=15)


def worker(env: dict, log: Path, *, name: str = "w1", concurrency: int = 1) -> CeleryProcess:
    return CeleryProcess(
        [
            "worker",
            "-l",
            "INFO",
            "-P",
            "prefork",
            "-c",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        log,
    )


def beat(env: dict, log: Path, schedule: Path) -> CeleryProcess:
    return CeleryProcess(["beat", "-l", "INFO", "-s", str(schedule)], env, log)


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Make this (test) process publish tasks to ``broker_url`` instead of running them eagerly."""
    from familyfirst.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker_url

    def reset_pools():
        from kombu import pools

        pools.reset()  # closes and forgets every pool, so the next publish connects afresh
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=broker_url, task_always_eager=False)
    reset_pools()
    try:
        yield app
    finally:
        reset_pools()
        app.conf.update(**saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("A worker in another process needs the PostgreSQL test database")


def _xdist_offset() -> int:
    """0 in a plain run; under pytest-xdist, the worker's number (gw0, gw1, ...), so two workers
    starting a server at the same moment never try the same preferred port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, on a free port (6391, or 6391 + the xdist worker's
    number, if it is free)."""
    server = RedisServer(free_port(6391 + _xdist_offset()))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(tmp_path):
    sink = SmtpSink(free_port(), tmp_path / "sink.jsonl")
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def celery_worker(transactional_db, redis_server, smtp_sink, tmp_path):
    """A real worker on our Redis and the sink; this process publishes to the same Redis."""
    _require_postgresql()
    env = service_env(broker_url=redis_server.url, smtp_port=smtp_sink.port)
    process = worker(env, tmp_path / "worker.log")
    process.start()
    with publishing_to(redis_server.url):
        yield process
    process.stop()
