"""Blob stores (local and S3 on a moto server) and their garbage collection."""
