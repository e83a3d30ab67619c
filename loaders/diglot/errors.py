"""Errors that reach users: each names the file and the problem."""


class DiglotError(Exception):
    """A problem with the user's input or files; the CLI prints it in one line and exits 2."""


class SeedError(DiglotError):
    """A seed file or the manifest is unusable; nothing was written."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # raised in a worker process, it must cross back whole
        return type(self), (self.path, self.problem)


class CorpusError(DiglotError):
    """A built corpus fails a check."""
