"""Terminal output for the CLI (rich). Only `yc_reports.cli` imports this package."""
