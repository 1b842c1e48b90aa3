"""A real SMTP server for tests (aiosmtpd) that writes one JSON line per accepted message.

    python -m tests.letters.smtp_sink --port 2525 --record /tmp/sink.jsonl

Each line holds the Message-ID, the X-Family-Connect-Letter idempotency key, recipients, subject
and the raw message, and is fsynced before the server answers 250, so what the file holds is
exactly what the server accepted. It does NOT de-duplicate: counting duplicates is the point.
Recipients at tempfail.invalid get 451 (try later); at reject.invalid, 550. On SIGTERM it stops
listening, lets sessions in progress finish (as a mail relay does when stopped), and exits.
"""

import argparse
import asyncio
import json
import os
import signal
import time
import uuid
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP


class RecordingHandler:
    def __init__(self, record_path: str):
        self.file = open(record_path, "a", encoding="utf-8")  # noqa: SIM115 - open while serving

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rsplit("@", 1)[-1].lower()
        if domain == "tempfail.invalid":
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        if domain == "reject.invalid":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        queue_id = uuid.uuid4().hex[:12]
        record = {
            "queue_id": queue_id,
            "message_id": headers.get("Message-ID", ""),
            "key": headers.get("X-Family-Connect-Letter", ""),
            "to": envelope.rcpt_tos,
            "subject": headers.get("Subject", ""),
            "at": time.time(),
            "raw": envelope.content.decode("utf-8", errors="replace"),
        }
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())
        return f"250 2.0.0 Ok: queued as {queue_id}"


class CountingSMTP(SMTP):
    active = 0

    def connection_made(self, transport):
        CountingSMTP.active += 1
        super().connection_made(transport)

    def connection_lost(self, exc):
        CountingSMTP.active -= 1
        super().connection_lost(exc)


async def serve(host: str, port: int, record: str) -> None:
    handler = RecordingHandler(record)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: CountingSMTP(handler, hostname="sink.test", timeout=30), host, port
    )
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    print(f"SMTP sink listening on {host}:{port}", flush=True)
    await stopping.wait()
    server.close()
    for _ in range(50):
        if CountingSMTP.active <= 0:
            break
        await asyncio.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.record))


if __name__ == "__main__":
    main()
