"""Batch runs over archives of scanned and digital documents (``nlp-pipeline batch``)."""
