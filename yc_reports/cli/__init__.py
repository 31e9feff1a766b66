"""The command line: arguments in, Chinese out. The library below never prints."""

from yc_reports.cli.app import app, main

__all__ = ["app", "main"]
