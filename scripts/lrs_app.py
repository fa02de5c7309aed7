"""Ralph's API with its file backend appending statements to its store.

Ralph 5.1.0's file backend writes with `create`, which refuses a second
write to the same store: every POST after the first fails with HTTP 500. A
real deployment uses a database backend that appends; this makes the file
backend do the same, so a test can post statements as a learner's session
does, one after another. Run by scripts/lrs-serve.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (after the backend is set)

__all__ = ["app"]
