"""The benchmark's slow mail server and the delivery worker that sends to it (the outbox rows of bench/run.py)."""
import asyncio
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Seconds the mail server takes to accept each message.
SLOW_MAIL = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def slow_smtp():
    """An SMTP server on this machine that takes SLOW_MAIL seconds to accept each message (aiosmtpd)."""
    from aiosmtpd.controller import Controller  # requirements-dev.txt: make bench installs it

    class Slow:
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(SLOW_MAIL)
            return "250 OK"

    controller = Controller(Slow(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@contextmanager
def deliver_worker(env: dict, log: Path):
    """flask --app app deliver, as in production; stopped with SIGTERM at the end."""
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "deliver"], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
