"""A small TCP proxy that injects faults between the app and a service it depends on
(PostgreSQL, Redis), for the load and fault tests (``load_faults.py``).

Faults, changed at any moment by assigning ``proxy.faults``:

- ``latency`` (± ``jitter``) seconds before each forwarded chunk, ``connect_latency`` seconds
  before a new connection is forwarded;
- ``drop``: the chance that a new connection is closed at once (with a reset);
- ``reset``: the chance, per forwarded chunk, that a live connection is reset mid-stream
  (RST, through SO_LINGER 0).

Outages: ``refuse()`` stops listening and resets every live connection, as a stopped service
does (clients see "connection refused"); ``accept()`` listens again. ``reset_all()`` resets the
live connections and keeps listening.

In a program that is not asyncio, ``ProxyThread`` runs proxies on a loop of its own:

    with ProxyThread() as proxies:
        pg = proxies.start(FaultProxy(15432, "127.0.0.1", 5432))
        pg.faults = Faults(drop=0.03, latency=0.01)
        proxies.call(pg.refuse)
        proxies.run(pg.accept())

Alone, it forwards with fixed faults until interrupted:

    python bench/faultproxy.py 15432 127.0.0.1:5432 --drop 0.03 --latency 0.01
"""

import argparse
import asyncio
import contextlib
import random
import socket
import struct
import threading
from dataclasses import dataclass, field

CHUNK = 64 * 1024
LINGER_RESET = struct.pack("ii", 1, 0)  # on, 0 seconds: close() sends RST


@dataclass(frozen=True)
class Faults:
    latency: float = 0.0
    jitter: float = 0.0
    connect_latency: float = 0.0
    drop: float = 0.0
    reset: float = 0.0


@dataclass
class Stats:
    accepted: int = 0
    dropped: int = 0
    reset: int = 0
    upstream_failed: int = 0
    bytes: int = 0
    by_reason: dict = field(default_factory=dict)


def _rst(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
    writer.transport.abort()


class FaultProxy:
    def __init__(self, listen_port: int, target_host: str, target_port: int, *, seed=None):
        self.listen_port, self.target = listen_port, (target_host, target_port)
        self.faults = Faults()
        self.stats = Stats()
        self._random = random.Random(seed)  # noqa: S311 (faults, not secrets)
        self._server: asyncio.Server | None = None
        self._live: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def live(self) -> int:
        """Connections being forwarded now."""
        return len(self._live)

    async def start(self) -> "FaultProxy":
        await self.accept()
        return self

    async def accept(self) -> None:
        """Listen (again)."""
        if self._server is None:
            self._server = await asyncio.start_server(
                self._handle, "127.0.0.1", self.listen_port, reuse_address=True
            )

    def refuse(self) -> int:
        """Stop listening and reset every live connection; returns how many were reset."""
        if self._server is not None:
            self._server.close()
            self._server = None
        return self.reset_all()

    def reset_all(self) -> int:
        pairs = list(self._live)
        for pair in pairs:
            self._reset(pair, "reset_all")
        return len(pairs)

    def _count(self, reason: str) -> None:
        self.stats.by_reason[reason] = self.stats.by_reason.get(reason, 0) + 1

    def _reset(self, pair, reason: str) -> None:
        if pair in self._live:
            self._live.discard(pair)
            self.stats.reset += 1
            self._count(reason)
        for writer in pair:
            _rst(writer)

    def _delay(self) -> float:
        faults = self.faults
        return max(0.0, faults.latency + self._random.uniform(-faults.jitter, faults.jitter))

    async def _handle(self, reader, writer) -> None:
        self.stats.accepted += 1
        if self._random.random() < self.faults.drop:
            self.stats.dropped += 1
            _rst(writer)
            return
        if self.faults.connect_latency:
            await asyncio.sleep(self.faults.connect_latency)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self.stats.upstream_failed += 1
            _rst(writer)
            return
        pair = (writer, up_writer)
        self._live.add(pair)
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, pair), self._pump(up_reader, writer, pair)
            )
        finally:
            self._live.discard(pair)
            for side in pair:
                side.close()

    async def _pump(self, reader, writer, pair) -> None:
        """Forward one direction until end of stream, then close both sides."""
        try:
            while data := await reader.read(CHUNK):
                if self.faults.latency or self.faults.jitter:
                    await asyncio.sleep(self._delay())
                if self._random.random() < self.faults.reset:
                    self._reset(pair, "reset")
                    return
                writer.write(data)
                await writer.drain()
                self.stats.bytes += len(data)
        except (ConnectionError, OSError):
            self._reset(pair, "peer_error")
            return
        for side in pair:
            side.close()


class ProxyThread:
    """An event loop in a thread of its own for proxies driven from ordinary code."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._proxies: list[FaultProxy] = []

    def __enter__(self) -> "ProxyThread":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        async def close_all():
            for proxy in self._proxies:
                proxy.refuse()
            # the reset connections' handlers end on their own
            if handlers := asyncio.all_tasks() - {asyncio.current_task()}:
                await asyncio.wait(handlers, timeout=2)

        self.run(close_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def run(self, coroutine, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(self, function, *args):
        async def in_loop():
            return function(*args)

        return self.run(in_loop())

    def start(self, proxy: FaultProxy) -> FaultProxy:
        self._proxies.append(proxy)
        return self.run(proxy.start())


def main() -> None:
    parser = argparse.ArgumentParser(description="Forward a local port with injected faults.")
    parser.add_argument("listen_port", type=int)
    parser.add_argument("target", help="host:port")
    for name in ("latency", "jitter", "connect_latency", "drop", "reset"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=0.0)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    proxy = FaultProxy(args.listen_port, host, int(port))
    proxy.faults = Faults(
        latency=args.latency,
        jitter=args.jitter,
        connect_latency=args.connect_latency,
        drop=args.drop,
        reset=args.reset,
    )

    async def serve():
        await proxy.start()
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        print(proxy.stats)


if __name__ == "__main__":
    main()
