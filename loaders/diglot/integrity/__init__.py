"""Integrity of a built corpus: its SHA-256 manifest and `verify`."""

from diglot.integrity.checksums import manifest_text, published_files, sha256_file, write_manifest
from diglot.integrity.report import Problem
from diglot.integrity.verify import verify

__all__ = ["Problem", "manifest_text", "published_files", "sha256_file", "verify", "write_manifest"]
