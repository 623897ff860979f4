"""The ballot box: anonymous answers wait, sealed, then reach the results in shuffled batches."""
