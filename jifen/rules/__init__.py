"""Pure rules: from parsed records to checked items, scores, ranks and their consequences (no file I/O)."""
