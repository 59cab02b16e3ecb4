"""migrakg: the command line, settings and build pipeline that tie ingest, graph, search and webapp."""

__version__ = "0.1.0"
