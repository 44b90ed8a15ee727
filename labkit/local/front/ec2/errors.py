"""EC2's error wire format: ``<Response><Errors><Error>…</Error></Errors><RequestID>…``."""

from __future__ import annotations

from xml.sax.saxutils import escape

EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"


class Ec2Error(Exception):
    """An EC2 API error: code, message and HTTP status (400 unless AWS uses another)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def error_body(code: str, message: str, request_id: str) -> bytes:
    """The XML body EC2 sends with an error."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error></Errors>"
        f"<RequestID>{escape(request_id)}</RequestID></Response>"
    ).encode()


def missing_parameter(name: str) -> Ec2Error:
    """A required parameter was not sent."""
    return Ec2Error("MissingParameter", f"The request must contain the parameter {name}")


def invalid_boolean(name: str, value: str) -> Ec2Error:
    """A boolean parameter that is neither true nor false."""
    return Ec2Error(
        "InvalidParameterValue",
        f"Value ({value}) for parameter {name} is invalid. Expected: 'true' or 'false'.",
    )
