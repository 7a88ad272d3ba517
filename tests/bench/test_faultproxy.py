"""The fault-injecting proxy of the load and fault tests (``bench/faultproxy.py``): it forwards
bytes both ways, adds latency, drops new connections, resets live ones, and refuses while a
service is "stopped". Each test runs an echo server and the proxy on loopback."""

import asyncio
import importlib.util
import socket
import time
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "faultproxy", Path(__file__).resolve().parents[2] / "bench" / "faultproxy.py"
)
faultproxy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(faultproxy)
Faults, FaultProxy, ProxyThread = faultproxy.Faults, faultproxy.FaultProxy, faultproxy.ProxyThread


async def _echo(reader, writer):
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()
    writer.close()


async def _with_proxy(scenario, **faults):
    echo = await asyncio.start_server(_echo, "127.0.0.1", 0)
    echo_port = echo.sockets[0].getsockname()[1]
    proxy = FaultProxy(0, "127.0.0.1", echo_port, seed=1)
    proxy.faults = Faults(**faults)
    await proxy.start()
    proxy.listen_port = proxy._server.sockets[0].getsockname()[1]  # the port it was given
    try:
        return await asyncio.wait_for(scenario(proxy), timeout=5)
    finally:
        proxy.refuse()
        echo.close()


async def _round_trip(proxy, payload=b"ping"):
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
    try:
        writer.write(payload)
        await writer.drain()
        return await reader.readexactly(len(payload))
    finally:
        writer.close()


def _read_one_byte(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
        return client.recv(1)


def test_forwards_both_ways_with_added_latency():
    # given a proxy adding 0.1 s to each chunk
    async def scenario(proxy):
        started = time.perf_counter()
        answer = await _round_trip(proxy)
        return answer, time.perf_counter() - started, proxy.stats

    # when a client sends a message and reads the echo
    answer, seconds, stats = asyncio.run(_with_proxy(scenario, latency=0.1))
    # then it arrives whole, delayed once each way, and is counted
    assert answer == b"ping"
    assert seconds >= 0.2
    assert stats.accepted == 1 and stats.bytes == 8


def test_drops_new_connections():
    # given a proxy that drops every new connection
    async def scenario(proxy):
        with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
            await _round_trip(proxy)
        return proxy.stats

    stats = asyncio.run(_with_proxy(scenario, drop=1.0))
    # then nothing was forwarded
    assert stats.dropped == 1 and stats.bytes == 0


def test_resets_a_live_connection_mid_stream():
    # given a proxy that resets a connection on its next chunk
    async def scenario(proxy):
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        # when the client sends
        writer.write(b"ping")
        # then its connection is reset instead of answered
        with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
            await reader.readexactly(4)
        writer.close()
        return proxy.stats

    stats = asyncio.run(_with_proxy(scenario, reset=1.0))
    assert stats.by_reason == {"reset": 1}


def test_refuses_while_stopped_and_serves_again_after():
    async def scenario(proxy):
        # given a client connected through the proxy
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.listen_port)
        writer.write(b"one")
        assert await reader.readexactly(3) == b"one"
        # when the service "stops"
        assert proxy.refuse() == 1
        # then the live connection is reset and new ones are refused
        with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
            await reader.readexactly(1)
        with pytest.raises(ConnectionRefusedError):
            await _round_trip(proxy)
        # and once it is back, connections work again
        await proxy.accept()
        return await _round_trip(proxy, b"two")

    assert asyncio.run(_with_proxy(scenario)) == b"two"


def test_is_driven_from_a_thread():
    # given a proxy on a loop of its own in front of a port where nothing listens
    with ProxyThread() as proxies:
        proxy = proxies.start(FaultProxy(0, "127.0.0.1", 1))
        proxy.listen_port = proxy._server.sockets[0].getsockname()[1]
        # when it is switched to refuse, then to accept again, from this thread
        proxies.call(proxy.refuse)
        stopped = proxy.listening
        proxies.run(proxy.accept())
        # then it follows, and a client is let in and reset as the target is down
        assert not stopped and proxy.listening
        with pytest.raises(ConnectionResetError):
            _read_one_byte(proxy.listen_port)
        assert proxy.stats.upstream_failed == 1
