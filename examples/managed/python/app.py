"""Uppercase: answers a JSON string in capitals, like examples/functions/uppercase."""


def handler(event, context):
    if not isinstance(event, str):
        raise TypeError(f"want a JSON string, got {event!r}")
    return event.upper()
