"""An SMTP sink that records every accepted message as one JSON line: arrival time, Message-ID, recipient, subject.

Run as its own process (`python -m tools.chaos.sink --port 8204 --out sink.jsonl`) so that faults injected
into the application never touch the recorder. A line is written and flushed before the 250 reply, so a
message the application saw accepted is always on record.
"""

import argparse
import json
import signal
import threading
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class RecordingHandler:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        arrived = time.time()
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        rows = [{"t": arrived, "message_id": str(message.get("Message-ID", "")), "to": recipient.lower(),
                 "subject": str(message.get("Subject", ""))} for recipient in envelope.rcpt_tos]
        with self.lock:
            for row in rows:
                self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.out.flush()
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with open(args.out, "a", encoding="utf-8") as out:
        controller = Controller(RecordingHandler(out), hostname="127.0.0.1", port=args.port)
        controller.start()
        print(f"SMTP sink listening on 127.0.0.1:{args.port}", flush=True)
        stop.wait()
        controller.stop()


if __name__ == "__main__":
    main()
