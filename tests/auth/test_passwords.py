"""argon2id hashing, the decoy for unknown users, strength checks and generated passwords."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from vgateway.auth.passwords import Passwords, WeakPassword, check_strength, generate_password


def test_hash_verify_and_decoy() -> None:
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    stored = passwords.hash("correct-horse-9")
    assert stored.startswith("$argon2id$") and "correct-horse" not in stored
    assert passwords.verify(stored, "correct-horse-9")
    assert not passwords.verify(stored, "correct-horse-8")
    assert not passwords.verify(None, "anything")  # unknown user: checked against a decoy
    assert not passwords.verify("not a hash", "x")


def test_strength_and_generation() -> None:
    with pytest.raises(WeakPassword, match="at least 10"):
        check_strength("short")
    with pytest.raises(WeakPassword, match="spaces"):
        check_strength(" padded-password ")
    generated = {generate_password() for _ in range(20)}
    assert len(generated) == 20 and all(len(p) == 16 for p in generated)
    assert not any(c in p for p in generated for c in "0O1lI")
