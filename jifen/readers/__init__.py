"""Readers: workbooks in, plain records and problems out (the only place that parses files)."""
