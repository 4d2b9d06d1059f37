#!/usr/bin/env python3
"""A TCP proxy that adds a fixed latency to every HTTP request, for measuring
how ddexprobe's remote fetching behaves against a store far away.

Usage: latency-proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS [STATS_FILE]

Listens on 127.0.0.1:LISTEN_PORT and forwards to 127.0.0.1:UPSTREAM_PORT.
Every chunk the client sends (an HTTP request: a GET carries no body) is held
DELAY_MS milliseconds before it is forwarded, in order, so each request on a
connection pays the delay once, as a round trip to a distant store would.
STATS_FILE, when given, holds {"requests": N, "bytes_down": N} (requests seen,
bytes sent back to clients), rewritten every 100 ms.
"""
import asyncio
import json
import sys

REQUEST_STARTS = (b"GET ", b"PUT ", b"HEAD ", b"POST ", b"DELETE ")
stats = {"requests": 0, "bytes_down": 0}


async def pipe(reader, writer, delay, down):
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if down:
                stats["bytes_down"] += len(data)
            else:
                if data.startswith(REQUEST_STARTS):
                    stats["requests"] += 1
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    listen, upstream, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    stats_file = sys.argv[4] if len(sys.argv) > 4 else None
    delay = delay_ms / 1000.0

    async def handle(client_r, client_w):
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(
            pipe(client_r, up_w, delay, False), pipe(up_r, client_w, 0, True)
        )

    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=1024)
    async with server:
        while True:
            await asyncio.sleep(0.1)
            if stats_file:
                with open(stats_file + ".tmp", "w") as f:
                    json.dump(stats, f)
                import os

                os.replace(stats_file + ".tmp", stats_file)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
