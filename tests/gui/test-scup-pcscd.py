"""scup --virtual --pcsc: the production PC/SC path, through a private pcscd with the
virtual PIN-pad driver (tests/pcscd/with-pcscd.sh), on the same deck window."""
from scup_cases import PCSCD_CASES

CASES = PCSCD_CASES
