#!/usr/bin/python3
"""Writes a TKE CLI signature key file with Python's "cryptography" package, a second
implementation independent of libcard and of the tests' OpenSSL code, following the
layout of docs/key-files.md: JSON {keyType, enckey, seaSalt, ski}; enckey = hex(nonce(12)
|| AES-256-GCM(ciphertext || tag)) under PBKDF2-HMAC-SHA256(password, seaSalt, 4096, 32);
the plaintext is a PEM block labelled "PRIVATE KEY" holding the SEC1 ECPrivateKey DER.

Usage: make-vendor-vector.py [PASSWORD PREFIX]
Writes PREFIX.sigkey and PREFIX.point; by default vendor-p521.* here with the password
"vendor-password" (the test vector).  The fuzz seed of tests/fuzz/keyfile/corpus was made
with: make-vendor-vector.py fuzz-password /tmp/vendor-fuzz
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

here = os.path.dirname(os.path.abspath(__file__))
PASSWORD = (sys.argv[1] if len(sys.argv) > 2 else "vendor-password").encode()
prefix = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "vendor-p521")

key = ec.generate_private_key(ec.SECP521R1())
sec1 = key.private_bytes(serialization.Encoding.DER,
                         serialization.PrivateFormat.TraditionalOpenSSL,
                         serialization.NoEncryption())
b64 = base64.b64encode(sec1).decode()
pem = "-----BEGIN PRIVATE KEY-----\n"
pem += "".join(b64[i:i + 64] + "\n" for i in range(0, len(b64), 64))
pem += "-----END PRIVATE KEY-----\n"

salt = os.urandom(32)
aes = PBKDF2HMAC(hashes.SHA256(), 32, salt, 4096).derive(PASSWORD)
nonce = os.urandom(12)
enc = nonce + AESGCM(aes).encrypt(nonce, pem.encode(), None)
point = key.public_key().public_bytes(serialization.Encoding.X962,
                                      serialization.PublicFormat.UncompressedPoint)
doc = {"keyType": "p521ec", "enckey": enc.hex(), "seaSalt": salt.hex(),
       "ski": hashlib.sha256(point).hexdigest()}
with open(prefix + ".sigkey", "w") as f:
    json.dump(doc, f)
with open(prefix + ".point", "w") as f:
    f.write(point.hex() + "\n")
