"""Bulk import of production logs, in-kind and money donations from CSV and XLSX.

Flow: upload → dry run (services.check_upload: every row checked, every refused cell kept
as an ImportProblem with its row number, column and reason; the file stored encrypted
under instance/imports; nothing else written) → the owner reviews and confirms (a CSRF
POST) → runner.confirm_import checks the file again and writes every good row in ONE
transaction through writing.py, with one ledger entry per 1,000 rows and a summary entry.

Modules: reading (CSV/XLSX, limits), cells (one cell → a value or a reason), lookups
(preloaded parties, places, items), checks + rowrules (the dry run), writing (the bulk
writer), runner (the confirm and its transactions), storage (files and progress),
samples (template files and the column format), services (jobs, problems, reports).
"""
