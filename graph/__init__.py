"""The knowledge-graph layer: ontology and concepts, RDF building, SHACL validation, SPARQL store.

``graph`` turns the typed records of :mod:`ingest.records` into an RDF dataset (one named graph
per report), validates it against ``shapes/migrakg-shapes.ttl`` and serves SPARQL from an Oxigraph
store (embedded or remote). It knows nothing about Flask.
"""
