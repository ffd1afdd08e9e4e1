"""Pure data for the documents people read (ledger rows, notices, 告知单, 档案, the overview page, the what-if comparison); the writers in outputs/ only format it."""
