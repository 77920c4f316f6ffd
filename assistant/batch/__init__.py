"""`assistant batch`: an archive of recordings made into sessions, on this machine or on a Ray cluster.

`inputs` reads what to process (files, folders, manifests), `ledger` remembers what was done (SQLite in
the sessions folder), `job` processes one recording exactly as `process --session` does, `local` and
`cluster` run jobs (worker processes / Ray tasks), `runner` drives a batch and `report` shows it.
"""
