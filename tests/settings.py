"""Settings for the test suite: Archivist's settings with ARCHIVIST_HOME in a fresh temp folder."""

import os
import tempfile

os.environ.setdefault("ARCHIVIST_HOME", tempfile.mkdtemp(prefix="archivist-test-home-"))

from archivist.settings import *  # noqa: F403

# WhiteNoise warns (an error under pytest) when STATIC_ROOT is missing; `serve` collects into it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Tests start short-lived threads that make requests through the test client: their database
# connections must close when each request ends (the server's long-lived threads keep theirs).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
