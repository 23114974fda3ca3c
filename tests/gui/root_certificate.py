"""A self-signed crypto-unit root certificate in the 331-byte format of
docs/interfaces.md, made with the openssl command, for the Add trusted crypto-unit root
tests: version 1, type 1, subject ID = SHA-256 of the root's name, the P-521 point, the
issuer SKI (its own), and r || s of an ECDSA P-521 / SHA-512 signature of bytes 0..198."""
import hashlib
import os
import subprocess


def _der_integers(signature):
    """r and s of a DER ECDSA-Sig-Value."""
    def read_length(data, at):
        length = data[at]
        if length < 0x80:
            return length, at + 1
        count = length & 0x7F
        return int.from_bytes(data[at + 1:at + 1 + count], "big"), at + 1 + count

    assert signature[0] == 0x30
    _, at = read_length(signature, 1)
    values = []
    for _ in range(2):
        assert signature[at] == 0x02
        length, at = read_length(signature, at + 1)
        values.append(int.from_bytes(signature[at:at + length], "big"))
        at += length
    return values


def make_root_certificate(folder, name="OpenTKE test crypto-unit root"):
    """Writes root.cert (331 bytes) into @folder and returns its path."""
    key = os.path.join(folder, "root-key.pem")
    subprocess.run(["openssl", "ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", key],
                   check=True, capture_output=True)
    spki = subprocess.run(["openssl", "ec", "-in", key, "-pubout", "-outform", "DER",
                           "-conv_form", "uncompressed"], check=True, capture_output=True).stdout
    point = spki[-133:]
    assert point[0] == 0x04
    ski = hashlib.sha256(point).digest()
    signed = bytes([1, 1]) + hashlib.sha256(name.encode()).digest() + point + ski
    assert len(signed) == 199
    tbs = os.path.join(folder, "root-tbs.bin")
    with open(tbs, "wb") as out:
        out.write(signed)
    der = subprocess.run(["openssl", "dgst", "-sha512", "-sign", key, tbs], check=True,
                         capture_output=True).stdout
    r, s = _der_integers(der)
    certificate = signed + r.to_bytes(66, "big") + s.to_bytes(66, "big")
    assert len(certificate) == 331
    path = os.path.join(folder, "root.cert")
    with open(path, "wb") as out:
        out.write(certificate)
    return path
