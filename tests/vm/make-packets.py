#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the crafted packets and bad Wasm files the VM tests feed to the hooks."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def csum(b: bytes) -> int:
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto: int, payload: bytes) -> bytes:
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                      bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def eth(payload: bytes, ethertype: int = 0x0800) -> bytes:
    return bytes.fromhex("020000000002020000000001") + struct.pack("!H", ethertype) + payload


def icmp(typ: int) -> bytes:
    body = struct.pack("!BBHHH", typ, 0, 0, 0x1234, 1) + b"wasmhook-ping-payload-00"
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


packets = {
    "echo_req.bin": eth(ipv4(1, icmp(8))),
    "echo_reply.bin": eth(ipv4(1, icmp(0))),
    "udp.bin": eth(ipv4(17, struct.pack("!HHHH", 5000, 53, 16, 0) + b"dnsquery")),
    "arp.bin": eth(bytes(28), 0x0806),
    # tc tests: UDP to the port tc_udp_drop.wat drops.
    "udp9999.bin": eth(ipv4(17, struct.pack("!HHHH", 5000, 9999, 16, 0) + b"dropme!!")),
    # Not packets: bad Wasm files for LOAD.
    "malformed.wasm": b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x0f",
    "garbage.wasm": b"this is not wasm at all",
    "truncated.wasm": b"\0asm\x01\0\0\0\x01\x07\x01\x60\x01\x7f",
}
for name, data in packets.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
