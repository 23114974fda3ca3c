#!/usr/bin/python3
"""Writes the seed corpus of fuzz-ifd-pin: first byte 0 verify, 1 modify,
2 feature list, 3 property list (see fuzz-ifd-pin.c)."""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
BLOCK = bytes([0x20]) + b"\xff" * 7  # placeholder ISO 9564 format-2 block


def verify(apdu, timeout=60):
    head = struct.pack("<BBBBBHBBHB3sI", timeout, 0, 0x89, 0x47, 0x04,
                       0x0606, 0x02, 0, 0, 0, b"\0\0\0", len(apdu))
    return bytes([0]) + head + apdu


def modify(apdu, old, new, confirm, timeout=60):
    head = struct.pack("<BBBBBBBHBBBHBBB3sI", timeout, 0, 0x89, 0x47, 0x04, old, new,
                       0x0606, confirm, 0x02, 3 if confirm & 2 else 2, 0, 0, 1, 2,
                       b"\0\0\0", len(apdu))
    return bytes([1]) + head + apdu


def main():
    os.makedirs(HERE, exist_ok=True)
    seeds = {
        "verify-ep11": verify(b"\x00\x20\x00\x81\x08" + BLOCK),
        "verify-ca-pin2": verify(b"\x00\x20\x00\x82\x08" + BLOCK, timeout=30),
        "modify-change": modify(b"\x00\x24\x00\x81\x10" + BLOCK + BLOCK, 0, 8, 3),
        "modify-personalize": modify(b"\x80\x14\x00\x00\x09" + BLOCK + b"\x41", 0, 0, 1),
        "modify-unblock": modify(b"\x80\x70\x00\x00\x8c" + b"\x00" * 132 + BLOCK, 0, 132, 1),
        "features": bytes([2]) + b"".join(
            bytes([tag, 4]) + struct.pack(">I", 0x42330000 + tag) for tag in (6, 7, 10, 18)),
        "properties": bytes([3, 2, 1, 2, 6, 1, 4, 7, 1, 14, 10, 4]) + struct.pack("<I", 65536)
        + bytes([11, 2, 0, 0, 12, 2, 0, 0]),
    }
    for name, data in seeds.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
