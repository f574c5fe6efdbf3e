#!/usr/bin/env python3
"""A real SMTP server for the tests (Debian's python3-aiosmtpd): accepts every
message on 127.0.0.1 and writes each one, as received, to DIR/NNNN.eml, and
beside it DIR/NNNN.json with what a test reads ({"mail_from", "rcpt_tos",
"to", "subject", "text", "html"}, the parts decoded), each written to a
temporary name and renamed, so a reader never sees half a message. Prints "listening PORT" on stdout once it accepts connections and
runs until killed (SIGTERM/SIGINT).

    /usr/bin/python3 tests/tools/smtp_sink.py --dir DIR [--port 0]

Used by tests/browser/invitation_mail.test.mjs (the whole invitation flow
through a real SMTP exchange)."""

import argparse
import email
import email.policy
import json
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.directory, f"{self.count:04d}.eml")
        with open(name + ".part", "wb") as f:
            f.write(f"X-Envelope-From: {envelope.mail_from}\r\n".encode())
            f.write(f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        parts = {}
        for kind in ("plain", "html"):
            body = msg.get_body(preferencelist=(kind,))
            parts[kind] = body.get_content() if body is not None else None
        doc = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
               "to": str(msg.get("To", "")), "subject": str(msg.get("Subject", "")),
               "text": parts["plain"], "html": parts["html"]}
        base = os.path.join(self.directory, f"{self.count:04d}")
        with open(base + ".json.part", "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        os.rename(base + ".json.part", base + ".json")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening {port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *_: (controller.stop(), sys.exit(0)))
    signal.pause()


if __name__ == "__main__":
    main()
