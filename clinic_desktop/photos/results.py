"""What became of a photo file (and so the state of its inbox row, for the last two), named
where nothing heavy is loaded; callers name them through photos/importer.py."""

IMPORTED = "imported"
DUPLICATE = "duplicate"
UNMATCHED = "unmatched"
REFUSED = "refused"
