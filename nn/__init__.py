"""chainrule's networks: built on ``autograd``, never imported by it."""

from . import data

__all__ = ["data"]
