#!/usr/bin/env python3
"""GUE <-> TUN relay: lets the Linux kernel's own TCP talk to toukit's user-space TCP.

toukit sends TCP segments inside GUE (Proto 6) in UDP datagrams, checksummed
over a pseudo-header of the OUTER (UDP) addresses. This relay:

* owns a UDP socket on 127.0.0.1 in the caller's network namespace;
* enters a private network namespace (given by name, created by the caller),
  creates a TUN device there with the kernel-side address and brings it up;
* UDP -> TUN: checks the GUE header, verifies the TCP checksum against the
  outer pseudo-header (peer address -> 127.0.0.1), rewrites it for the inner
  IPv4 header (toukit-side address -> kernel address) and writes an IPv4
  packet to the TUN device;
* TUN -> UDP: verifies the inner TCP checksum, recomputes it for the outer
  pseudo-header (127.0.0.1 -> toukit address), prepends a 4-byte GUE header
  (version 0, C=0, Hlen 0, Proto 6, flags 0) and sends it to toukit;
* runs the kernel's side of the test inside the namespace: `--mode server`
  listens (and only then prints READY), accepts one connection and reads to
  EOF; `--mode client` connects, sends `--size` random bytes, half-closes and
  reads to EOF. Results go to stdout:
  `READY <udp-port>`, then `RESULT <bytes> <sha256>` (server) or
  `SENT <bytes> <sha256>` (client), then `COUNTERS ...`.

Traffic only ever goes to 127.0.0.1 and to the namespace's own TUN device.
"""
import argparse
import ctypes
import fcntl
import hashlib
import os
import select
import socket
import struct
import subprocess
import sys
import random
import threading

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
GUE_TCP = bytes([0x00, 0x06, 0x00, 0x00])

counters = {"udp_in": 0, "tun_in": 0, "bad_outer_csum": 0, "bad_inner_csum": 0, "bad_gue": 0, "not_tcp": 0, "dropped": 0}


def csum16(data: bytes, initial: int = 0) -> int:
    if len(data) % 2:
        data += b"\0"
    s = initial + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def tcp_sum(src: bytes, dst: bytes, seg: bytes) -> int:
    """Folded one's-complement sum over the IPv4 pseudo-header and segment (checksum field included)."""
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    return csum16(pseudo + seg)


def tcp_verify(src: bytes, dst: bytes, seg: bytes) -> bool:
    return len(seg) >= 20 and tcp_sum(src, dst, seg) == 0xFFFF


def tcp_rewrite(src: bytes, dst: bytes, seg: bytes) -> bytes:
    b = bytearray(seg)
    b[16:18] = b"\0\0"
    c = ~tcp_sum(src, dst, bytes(b)) & 0xFFFF
    b[16:18] = struct.pack("!H", c)
    return bytes(b)


def ipv4_packet(src: bytes, dst: bytes, payload: bytes, ident: int) -> bytes:
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64, 6, 0, src, dst))
    h[10:12] = struct.pack("!H", ~csum16(bytes(h)) & 0xFFFF)
    return bytes(h) + payload


def enter_netns(name: str) -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = os.open("/var/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns failed")
    os.close(fd)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--netns", required=True)
    ap.add_argument("--tun", default="tou0")
    ap.add_argument("--kernel-ip", default="10.77.0.1")
    ap.add_argument("--toukit-ip", default="10.77.0.2")
    ap.add_argument("--mode", choices=["server", "client"], required=True)
    ap.add_argument("--tcp-port", type=int, required=True)
    ap.add_argument("--toukit", help="HOST:PORT of toukit's UDP socket (client mode; learnt in server mode)")
    ap.add_argument("--size", type=int, default=16 << 20)
    ap.add_argument("--cc", default="", help="TCP_CONGESTION for the kernel socket")
    ap.add_argument("--loss", type=float, default=0.0, help="drop this fraction of segments in each direction (seeded)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    loop4 = socket.inet_aton("127.0.0.1")
    toukit_addr = None
    if a.toukit:
        host, port = a.toukit.rsplit(":", 1)
        toukit_addr = (host, int(port))

    enter_netns(a.netns)
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", a.tun.encode(), IFF_TUN | IFF_NO_PI))
    for cmd in (
        ["ip", "link", "set", "lo", "up"],
        ["ip", "addr", "add", a.kernel_ip + "/24", "dev", a.tun],
        ["ip", "link", "set", a.tun, "up"],
    ):
        subprocess.run(cmd, check=True)
    kern = socket.inet_aton(a.kernel_ip)
    peer = socket.inet_aton(a.toukit_ip)
    state = {"to": toukit_addr, "ident": 0}
    stop = threading.Event()
    rng = random.Random(a.seed)

    def lose() -> bool:
        if a.loss > 0 and rng.random() < a.loss:
            counters["dropped"] += 1
            return True
        return False

    def relay() -> None:
        while not stop.is_set():
            r, _, _ = select.select([udp, tun], [], [], 0.2)
            if udp in r:
                data, frm = udp.recvfrom(65535)
                counters["udp_in"] += 1
                if len(data) < 4 or data[0] >> 6 != 0 or data[0] & 0x20:
                    counters["bad_gue"] += 1
                    continue
                off = 4 + 4 * (data[0] & 0x1F)
                if data[1] != 6 or off > len(data):
                    counters["not_tcp"] += 1
                    continue
                if state["to"] is None:
                    state["to"] = frm
                seg = data[off:]
                if not tcp_verify(socket.inet_aton(frm[0]), loop4, seg):
                    counters["bad_outer_csum"] += 1
                    continue
                if lose():
                    continue
                state["ident"] += 1
                os.write(tun, ipv4_packet(peer, kern, tcp_rewrite(peer, kern, seg), state["ident"]))
            if tun in r:
                pkt = os.read(tun, 65535)
                counters["tun_in"] += 1
                if len(pkt) < 20 or pkt[0] >> 4 != 4 or pkt[9] != 6 or state["to"] is None:
                    counters["not_tcp"] += 1
                    continue
                ihl = (pkt[0] & 0x0F) * 4
                total = struct.unpack("!H", pkt[2:4])[0]
                seg = pkt[ihl:total]
                if not tcp_verify(pkt[12:16], pkt[16:20], seg):
                    counters["bad_inner_csum"] += 1
                    continue
                if lose():
                    continue
                to = state["to"]
                udp.sendto(GUE_TCP + tcp_rewrite(loop4, socket.inet_aton(to[0]), seg), to)

    t = threading.Thread(target=relay, daemon=True)
    t.start()

    if a.mode == "server":
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if a.cc:
            srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
        srv.bind((a.kernel_ip, a.tcp_port))
        srv.listen(1)
        srv.settimeout(60)
        # READY only once the kernel listens: a SYN that arrives earlier is answered with RST.
        print("READY %d" % udp.getsockname()[1], flush=True)
        conn, _ = srv.accept()
        conn.settimeout(120)
        h = hashlib.sha256()
        n = 0
        while True:
            d = conn.recv(1 << 16)
            if not d:
                break
            h.update(d)
            n += len(d)
        print("RESULT %d %s" % (n, h.hexdigest()), flush=True)
        conn.close()
    else:
        print("READY %d" % udp.getsockname()[1], flush=True)
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if a.cc:
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
        c.settimeout(120)
        c.connect((a.toukit_ip, a.tcp_port))
        h = hashlib.sha256()
        left = a.size
        seed = hashlib.sha256(b"toukit-interop").digest()
        block = b""
        i = 0
        while left > 0:
            if not block:
                block = b"".join(hashlib.sha256(seed + struct.pack("!Q", i + k)).digest() for k in range(2048))
                i += 2048
            chunk = block[: min(left, len(block))]
            block = block[len(chunk):]
            c.sendall(chunk)
            h.update(chunk)
            left -= len(chunk)
        print("SENT %d %s" % (a.size, h.hexdigest()), flush=True)
        c.shutdown(socket.SHUT_WR)
        while c.recv(1 << 16):
            pass
        c.close()
    # Let final ACKs/FINs through before reporting.
    stop.wait(0.5)
    stop.set()
    t.join(1)
    print("COUNTERS " + " ".join("%s=%d" % kv for kv in sorted(counters.items())), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report and fail loudly
        print("ERROR %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(1)
