"""The logger librdkafka's messages go to (every client passes it as `logger`)."""

from __future__ import annotations

import logging

#: never straight to stderr, which would tear a TUI apart
LOG = logging.getLogger("kafkatui.librdkafka")
LOG.addHandler(logging.NullHandler())
