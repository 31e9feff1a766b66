"""The command line: arguments in, Chinese out. The library below never prints."""

import gc


def main() -> None:
    """The `yc-reports` command.

    The cyclic garbage collector is off while the command starts: start-up creates some 10^5 objects
    (modules, classes, compiled patterns) and no garbage, and the collector's passes over them cost a
    unit's `check` ~10 ms of its ~0.12 s. Every command but `check` turns it back on as it begins
    (`app._Command.invoke`), with the start-up objects frozen out of its reach.
    """
    gc.disable()
    from yc_reports.cli.app import main as run

    run()
