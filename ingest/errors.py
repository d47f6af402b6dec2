"""Errors raised while reading and parsing documents."""


class BadDocument(Exception):
    """A file that cannot be ingested; the message names the file and the reason in one line."""
