"""Integrity of a built corpus: its SHA-256 manifest and `verify`."""

from diglot.integrity.checksums import data_files, manifest_text, sha256_file, write_manifest
from diglot.integrity.verify import Problem, verify

__all__ = ["Problem", "data_files", "manifest_text", "sha256_file", "verify", "write_manifest"]
