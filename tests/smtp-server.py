#!/usr/bin/python3
"""smtp-server.py DIR PORTFILE: a local SMTP server for the mail tests.

Listens on 127.0.0.1 at a port the system picks (so tests running at once
never collide), writes that port to PORTFILE once it listens, and saves
each message it receives in DIR as N.eml (the bytes as received) with
N.env beside it (the envelope: "from ADDR", then "to ADDR" per
recipient), N counting from 1.

It stops on SIGTERM, and by itself when the process that started it (the
test script) is gone or after ten minutes, so that a test that dies
leaves no server behind.
"""
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Saver:
    """Saves each message in the directory, numbered in order."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        lines = ["from " + envelope.mail_from]
        lines += ["to " + rcpt for rcpt in envelope.rcpt_tos]
        with open(base + ".env.tmp", "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        # The message last, so that a test that sees N.eml sees N.env too.
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


async def main(directory, portfile):
    parent = os.getppid()
    loop = asyncio.get_running_loop()
    handler = Saver(directory)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="kontora-test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.cancel)
    for _ in range(1200):
        if stop.done() or os.getppid() != parent:
            break
        await asyncio.sleep(0.5)
    server.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp-server.py DIR PORTFILE")
    asyncio.run(main(sys.argv[1], sys.argv[2]))
