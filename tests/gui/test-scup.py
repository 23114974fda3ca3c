"""scup on libcard's in-process virtual backend: every case of scup_cases."""
from scup_cases import ALL_CASES

CASES = ALL_CASES
