"""Uppercase: a JSON string in, the same string upper-cased out, like
examples/functions/uppercase. FIRST_INVOKE_DELAY_MS makes only an
environment's first invoke wait, so that N concurrent invokes need N
environments (the bench's parallel cold starts)."""
import os
import time

_first_delay_ms = int(os.environ.get("FIRST_INVOKE_DELAY_MS") or 0)
_invoked = False


def handler(event, context):
    global _invoked
    if not isinstance(event, str):
        raise TypeError(f"want a JSON string, got {event!r}")
    if not _invoked:
        _invoked = True
        if _first_delay_ms > 0:
            time.sleep(_first_delay_ms / 1000)
    return event.upper()
