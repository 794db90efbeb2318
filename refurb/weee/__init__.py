"""WEEE (DEEE) disposal: batches to certified operators, the waste register, reuse and
recycling rates.

Where things are:
- batches.py       open a batch, put devices in it, correct or take items out
- loose_parts.py   batteries, cables, screen panels, removed drives
- closing.py       the handover: every device disposed of, register lines, handover document
- partners.py      treatment operators and carriers
- register.py      the waste register: outgoing and incoming lines, corrections, exports
- trackdechets.py  a register line in Trackdéchets' shape (plain data, no database)
- handover.py      the handover document (PDF)
- rates.py         reuse and recycling rates of a period, from the records
- site.py          the reporting site and its settings
- batch_scan.py    the "add to a WEEE batch" batch-scan action
- permissions.py   who may close batches, manage partners, correct the register
- queries.py       reads (lists, totals, lookups); never imports the use cases above
- views/           the pages, one module per topic, on the `weee` blueprint
Everything other domains see (settings, history words, the batch-scan action, template
globals) is registered in refurb.wiring._register_weee.
"""
