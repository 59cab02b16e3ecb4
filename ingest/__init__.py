"""Report text → typed records with provenance. Knows nothing of RDF or Flask."""
