"""Archivist: documents, folder rules and cloud sync over the records of any database."""

__version__ = "0.1.0"
