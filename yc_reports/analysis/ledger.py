"""The 督办 ledger's records (defined with the report model, which carries them; re-exported here).

An item keeps the fact it was listed for (a `Reason`), never words: the wording layer says it
(`Wording.matter`, templates/facts.j2); an item read back from the office's record also carries the
matter as it was printed when it was issued (`text`).
"""

from yc_reports.analysis.model import LedgerItem, LedgerState

__all__ = ["LedgerItem", "LedgerState"]
