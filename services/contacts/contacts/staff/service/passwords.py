"""The one password hasher of staff accounts (argon2id, the library's default parameters):
sign-in verifies with it, invitations, the first admin and password resets hash with it."""

from __future__ import annotations

from argon2 import PasswordHasher

hasher = PasswordHasher()
