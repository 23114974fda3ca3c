#!/usr/bin/python3
"""Writes the seed corpus of fuzz-card-response: response sequences as a card of
docs/card-protocol.md gives them (each: 2-byte big-endian length, then bytes)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OK = b"\x90\x00"


def seq(*responses):
    return b"".join(struct.pack(">H", len(r)) + r for r in responses)


def s(text):
    return bytes([len(text)]) + text.encode()


card_id, zone_id, ski, vp = b"\x11" * 32, b"\x22" * 32, b"\x33" * 32, b"\x44" * 32
point = b"\x04" + b"\x55" * 132
bitmap = b"\x03" + b"\x00" * 10
ep11_info = b"\x02\x03\x03" + card_id + zone_id + s("Key part card") + s("Alice") + ski + b"\x02" + bitmap
ca_info = b"\x01\x03\x05" + card_id + zone_id + s("Zone A") + s("CA card 1") + b"\x01" + ski

seeds = {
    "ep11-and-ca": seq(
        b"\x02\x03" + OK, OK, ep11_info + OK,
        b"\x01" + s("part one") + vp + OK, b"\x02" + s("part two") + vp + OK,
        s("Alice") + point + OK, b"\x66" * 132 + OK, b"\x03" + vp + OK,
        b"\x01\x03" + OK, ca_info + OK, OK, OK),
    "get-response": seq(
        b"\x02\x03" + OK, b"\x63\xc3", b"\x63\xc3", OK, ep11_info[:40] + b"\x61\x00",
        ep11_info[40:] + OK, b"\x01" + s("p") + vp + b"\x6c\x10", b"\x01" + s("p") + vp + OK),
    "refusals": seq(
        b"\x02\x03" + OK, b"\x63\xc1", b"\x64\x01", b"\x69\x82", b"\x6a\x88", b"\x69\x82",
        b"\x6a\x84", b"\x01\x01" + OK, b"\x69\x85", b"\x69\x83"),
    "blank": seq(b"\x00\x00" + OK, b"\x69\x85", b"\x00\x00\x00" + bytes(64) + OK,
                 b"\x6a\x88", b"\x69\x85", b"\x69\x85", b"\x00\x00" + OK,
                 b"\x00\x00\x00" + bytes(64) + OK),
}

os.makedirs(os.path.join(HERE, "corpus"), exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(HERE, "corpus", name), "wb") as f:
        f.write(data)
