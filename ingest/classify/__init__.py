"""Derived classifications: challenge categories, action types, primary populations, programme links.

Every classifier is a set of explainable rules read from a data file under ``ingest/data`` (offline, fast);
``ingest.classify.evaluate`` measures them against the hand-labelled sets in ``tests/data``.
"""
