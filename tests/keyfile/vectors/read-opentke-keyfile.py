#!/usr/bin/python3
"""Opens an OpenTKE key file by following docs/key-files.md alone, with Python's
"cryptography" package: a second reader, independent of libcard, that shows the document
describes the format exactly.  Prints the kind, name and SKI or VP; exits non-zero if
anything does not match the document.

Usage: read-opentke-keyfile.py FILE PASSWORD
(e.g. tests/fuzz/keyfile/corpus/opentke-sigkey.otk fuzz-password)
"""
import hashlib
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

data = open(sys.argv[1], "rb").read()
password = sys.argv[2].encode()
assert data[:16] == b"OpenTKE keyfile\n", "magic"
version, kind, kdf, log2n, r, p = data[16:22]
assert version == 1 and kind in (1, 2) and kdf == 1, "version, kind, kdf"
salt, check = data[22:54], data[54:70]
name_len = data[78]
name = data[79:79 + name_len].decode()
pub_len, secret_len = (133, 66) if kind == 1 else (32, 32)
header_len = 79 + name_len + pub_len
public = data[79 + name_len:header_len]
nonce = data[header_len:header_len + 12]
sealed = data[header_len + 12:]
assert len(sealed) == secret_len + 16, "length"

derived = Scrypt(salt=salt, length=48, n=1 << log2n, r=r, p=p).derive(password)
assert derived[32:] == check, "wrong password"
secret = AESGCM(derived[:32]).decrypt(nonce, sealed, data[:header_len])
if kind == 1:
    key = ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP521R1())
    point = key.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    assert point == public, "public point"
    print("signature key", repr(name), "SKI", hashlib.sha256(point).hexdigest())
else:
    assert hashlib.sha256(b"OpenTKE-VP-v1" + secret).digest() == public, "VP"
    print("key part", repr(name), "VP", public.hex())
