"""The gateway's Custom Event Bus front (``eventsv2``, smithy-rpc-v2-cbor), answer by answer.

Requests are built, serialized and signed by a real ``eventbridgev2`` botocore client; instead
of going out on a socket, each one is handed to :class:`CustomBusFront` and its answer is given
back to botocore, whose smithy-rpc-v2-cbor parser reads it as it would read AWS's. The decider
is the lab's one ``PolicyDecider`` over the seeded walkthrough world.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from lab_world import REGION, World

from labkit.backend.record import DecisionRecord, NetworkRoute
from labkit.local.gateway.custom_bus import CustomBusFront
from labkit.local.gateway.decide import PolicyDecider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.wire import cbor
from labkit.local.wire.http import Incoming, WireResponse
from labkit.local.wire.json11 import new_request_id
from labkit.policy import parse_access_denied

PUBLIC = NetworkRoute(
    via_endpoint=False,
    source_ip="203.0.113.10",
    listener="instance",
    name=f"eventsv2.{REGION}.amazonaws.com",
    region=REGION,
    way_out="igw",
)
ONLY_LOGS = (
    '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "logs:*", "Resource": "*"}]}'
)


class _Body:
    """The ``raw`` botocore's ``AWSResponse`` reads its content from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class Served:
    """A Custom Event Bus front over the world, and what it answered last."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.decisions = DecisionLog()
        self.front = CustomBusFront(world.state, PolicyDecider(world.state), self.decisions)
        self.route = PUBLIC
        self.last: WireResponse | None = None
        self.last_request_id = ""

    def handle(self, incoming: Incoming) -> WireResponse:
        """The front's answer, with the facts the gateway gives it."""
        self.last_request_id = new_request_id()
        facts: dict[str, Any] = {
            "request_id": self.last_request_id,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "network": self.route,
            "target": incoming.header("x-amz-target"),
        }
        self.last = self.front.handle(incoming, self.route, facts)
        return self.last

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        body = request.body or b""
        if not isinstance(body, bytes):
            body = body.read() if hasattr(body, "read") else str(body).encode()
        where = urlsplit(request.url)
        sent = ((k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items())
        headers = (("Host", where.netloc), *sent)
        path = where.path + (f"?{where.query}" if where.query else "")
        incoming = Incoming(request.method, path, headers, body, ("10.0.1.10", 40000))
        answer = self.handle(incoming)
        replied = dict(answer.headers)
        return AWSResponse(request.url, answer.status, replied, _Body(answer.body))

    def client(self, **keys: str) -> Any:
        """An ``eventbridgev2`` client with the instance's session whose calls come here."""
        credential = self.world.state.instance_credentials()
        session = boto3.session.Session(
            aws_access_key_id=keys.get("key_id", credential.access_key_id),
            aws_secret_access_key=keys.get("secret", credential.secret_access_key),
            aws_session_token=credential.session_token,
            region_name=REGION,
        )
        client = session.client(
            "eventbridgev2",
            config=Config(retries={"max_attempts": 1}, parameter_validation=False),
        )
        client.meta.events.register("before-send", self._send)
        return client


@pytest.fixture
def served(world: World) -> Served:
    world.delete_endpoints()
    return Served(world)


def raw(
    served: Served,
    operation: str,
    body: bytes,
    *,
    content_type: str | None = "application/cbor",
    extra: dict[str, str] | None = None,
) -> WireResponse:
    """One request written by hand and signed as botocore signs, answered by the front."""
    host = f"{served.world.account}.eventsv2.{REGION}.amazonaws.com"
    headers = {"smithy-protocol": "rpc-v2-cbor", "Accept": "application/cbor", **(extra or {})}
    if content_type is not None:
        headers["Content-Type"] = content_type
    path = f"/service/AWSEventsV2/operation/{operation}"
    request = AWSRequest(method="POST", url=f"https://{host}{path}", data=body, headers=headers)
    credential = served.world.state.instance_credentials()
    keys = Credentials(
        credential.access_key_id, credential.secret_access_key, credential.session_token
    )
    SigV4Auth(keys, "events", REGION).add_auth(request)
    sent = (("Host", host), *((k, str(v)) for k, v in request.headers.items()))
    return served.handle(Incoming("POST", path, sent, body, ("10.0.1.10", 40000)))


def parsed_error(answer: WireResponse) -> dict[str, Any]:
    """botocore's reading of an error answer (``Error`` and ``ResponseMetadata``)."""
    response = {
        "status_code": answer.status,
        "headers": {k.lower(): v for k, v in answer.headers},
        "body": answer.body,
    }
    return create_parser("smithy-rpc-v2-cbor").parse(response, None)


def bus_arn(world: World) -> str:
    bus = world.state.buses_v2.named(world.account, REGION, "app-events")
    assert bus is not None
    return bus.arn


def entry(**overrides: Any) -> dict[str, Any]:
    return {"Source": "lab.app", "DetailType": "order", "Detail": '{"n": 1}', **overrides}


def record_of(served: Served) -> DecisionRecord:
    found = served.decisions.get(served.last_request_id)
    assert found is not None
    return found


def assert_cbor_error(answer: WireResponse, code: str, status: int) -> dict[str, Any]:
    """The answer is a smithy-rpc-v2-cbor error as the protocol and botocore want it."""
    headers = {k.lower(): v for k, v in answer.headers}
    assert answer.status == status
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    assert headers["content-type"] == "application/cbor"
    assert "x-amzn-query-error" not in headers  # not query-compatible: code from __type alone
    assert "x-amzn-errortype" not in headers  # the protocol carries the type in the body
    body = cbor.loads(answer.body)
    assert set(body) == {"__type", "message"}
    assert body["__type"] == code
    parsed = parsed_error(answer)
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == body["message"]
    return parsed


def test_an_allowed_put_events_is_kept_and_parsed_by_botocore(served: Served, world: World) -> None:
    arn = bus_arn(world)
    bus = world.state.buses_v2.get(arn)
    assert bus is not None
    before = bus.received
    answer = served.client().put_events(EventBusArn=arn, Entries=[entry(), entry(Source="b")])
    assert answer["FailedEntryCount"] == 0
    ids = [e["EventId"] for e in answer["Entries"]]
    assert len(ids) == 2 and all(len(i) == 36 for i in ids)
    assert answer["ResponseMetadata"]["RequestId"] == served.last_request_id
    assert answer["ResponseMetadata"]["HTTPHeaders"]["smithy-protocol"] == "rpc-v2-cbor"
    assert bus.received == before + 2
    assert [e["EventId"] for e in list(bus.events)[-2:]] == ids
    record = record_of(served)
    assert (record.outcome, record.service, record.operation) == (
        "allowed",
        "eventsv2",
        "PutEvents",
    )
    assert record.evaluations[0].request.action == "events:PutEvents"
    assert record.evaluations[0].request.resource == arn


@pytest.mark.parametrize(
    ("call", "code", "status", "message", "stage"),
    [
        pytest.param(
            lambda c, arn: c.put_events(EventBusArn=arn[:-3] + "abc", Entries=[entry()]),
            "ResourceNotFoundException",
            404,
            "Event bus {arn_abc} does not exist.",
            "service",
            id="unknown-bus",
        ),
        pytest.param(
            lambda c, arn: c.put_events(Entries=[entry()]),
            "InvalidInputException",
            400,
            "1 validation error detected: Value null at 'eventBusArn' failed to satisfy "
            "constraint: Member must not be null",
            "validation",
            id="missing-member",
        ),
        pytest.param(
            lambda c, arn: c.put_events(EventBusArn=arn, Entries=[entry(Source="s" * 257)]),
            "InvalidInputException",
            400,
            "1 validation error detected: Value '{long}' at 'entries.1.source' failed to "
            "satisfy constraint: Member must have length less than or equal to 256",
            "validation",
            id="oversized-member",
        ),
        pytest.param(
            lambda c, arn: c.put_events(EventBusArn=arn, Entries=[entry()] * 101),
            "InvalidInputException",
            400,
            None,
            "validation",
            id="too-many-entries",
        ),
        pytest.param(
            lambda c, arn: c.create_event_bus(Name="later"),
            "NotImplementedException",
            501,
            "labkit's local lab cannot authorize eventsv2:CreateEventBus: ",
            "authorization",
            id="unmapped-operation",
        ),
    ],
)
def test_errors_reach_botocore_with_their_code_message_and_status(
    served: Served, world: World, call: Any, code: str, status: int, message: Any, stage: str
) -> None:
    arn = bus_arn(world)
    with pytest.raises(ClientError) as caught:
        call(served.client(), arn)
    error = caught.value.response
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["ResponseMetadata"]["RequestId"] == served.last_request_id
    assert served.last is not None
    assert_cbor_error(served.last, code, status)
    text = error["Error"]["Message"]
    if message is None:
        assert text.startswith("1 validation error detected: ")
        assert "Member must have length less than or equal to 100" in text
    elif message.endswith(": "):
        assert text.startswith(message)
    else:
        assert text == message.format(arn_abc=arn[:-3] + "abc", long="s" * 257)
    record = record_of(served)
    assert (record.stage, record.http_status, record.error_code) == (stage, status, code)
    assert record.error_message == text


@pytest.mark.parametrize(
    ("operation", "body", "options", "code", "status", "message"),
    [
        pytest.param(
            "PutEvent",
            b"\xa0",
            {},
            "UnknownOperationException",
            404,
            "'PutEvent' is not an operation of EventBridgeV2; the path must end "
            "/service/AWSEventsV2/operation/<Operation>",
            id="unknown-operation",
        ),
        pytest.param(
            "PutEvents",
            b"\xa0",
            {"extra": {"smithy-protocol": "rpc-v2-json"}},
            "UnknownOperationException",
            404,
            "the request has smithy-protocol 'rpc-v2-json'; send 'smithy-protocol: rpc-v2-cbor'",
            id="wrong-protocol-header",
        ),
        pytest.param(
            "PutEvents",
            b"\xa0",
            {"extra": {"X-Amz-Target": "AWSEvents.PutEvents"}},
            "UnknownOperationException",
            404,
            "an rpc-v2-cbor request must not carry X-Amz-Target; the path names the operation",
            id="target-header",
        ),
        pytest.param(
            "PutEvents",
            b'{"Entries": []}',
            {"content_type": "application/x-amz-json-1.1"},
            "UnsupportedMediaTypeException",
            415,
            "the body's Content-Type is 'application/x-amz-json-1.1'; send it as application/cbor",
            id="json-content-type",
        ),
        pytest.param(
            "PutEvents",
            b"\xa0",
            {"content_type": None},
            "UnsupportedMediaTypeException",
            415,
            "the body's Content-Type is 'missing'; send it as application/cbor",
            id="no-content-type",
        ),
        pytest.param(
            "PutEvents",
            b"\xa1\x6bEventBusArn\x78\x10",
            {},
            "SerializationException",
            400,
            "the body is not valid CBOR: the body ends inside a data item at byte 15",
            id="malformed-cbor",
        ),
        pytest.param(
            "PutEvents",
            b"\x81\x01",
            {},
            "SerializationException",
            400,
            "the body must be a CBOR map",
            id="not-a-map",
        ),
        pytest.param(
            "PutEvents",
            cbor.dumps({"EventBusArn": "a", "Entries": [{"Source": 5, "DetailType": "t"}]}),
            {},
            "SerializationException",
            400,
            "Entries.1.Source must be a text string, not an integer",
            id="member-of-wrong-type",
        ),
        pytest.param(
            "ListEventBuses",
            cbor.dumps({"MaxResults": True}),
            {},
            "SerializationException",
            400,
            "MaxResults must be an integer, not a boolean",
            id="boolean-for-integer",
        ),
    ],
)
def test_what_the_protocol_refuses_before_authentication(
    served: Served,
    operation: str,
    body: bytes,
    options: dict[str, Any],
    code: str,
    status: int,
    message: str,
) -> None:
    answer = raw(served, operation, body, **options)
    parsed = assert_cbor_error(answer, code, status)
    assert parsed["Error"]["Message"] == message
    assert parsed["ResponseMetadata"]["RequestId"] == served.last_request_id
    record = record_of(served)
    assert (record.outcome, record.stage, record.caller) == ("refused", "request", None)


def test_an_empty_body_needs_no_content_type_and_reads_as_no_members(served: Served) -> None:
    answer = raw(served, "ListEventBuses", b"", content_type=None)
    # read as {} and decided: the walkthrough's role has no events:ListEventBuses
    assert_cbor_error(answer, "AccessDeniedException", 403)
    assert record_of(served).stage == "authorization"


def test_a_denial_goes_through_the_one_decider_in_the_labs_words(
    served: Served, world: World
) -> None:
    vpce = world.create_endpoint("eventsv2", policy=ONLY_LOGS)
    served.route = NetworkRoute(
        via_endpoint=True,
        source_ip="10.0.1.10",
        listener="instance",
        vpce_id=vpce,
        vpc_id=world.seeded.vpc_id,
        name=f"{world.account}.eventsv2.{REGION}.amazonaws.com",
        region=REGION,
    )
    arn = bus_arn(world)
    bus = world.state.buses_v2.get(arn)
    assert bus is not None
    before = bus.received
    with pytest.raises(ClientError) as caught:
        served.client().put_events(EventBusArn=arn, Entries=[entry()])
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "AccessDeniedException",
        403,
    )
    text = error["Error"]["Message"]
    denial = parse_access_denied(text)
    assert (denial.action, denial.resource, denial.denied_by) == (
        "events:PutEvents",
        arn,
        "vpc-endpoint",
    )
    assert denial.principal == world.state.session_arn()
    assert text.endswith("because no VPC endpoint policy allows the events:PutEvents action")
    assert bus.received == before  # nothing was put
    record = record_of(served)
    assert (record.outcome, record.stage, record.error_code) == (
        "denied",
        "authorization",
        "AccessDeniedException",
    )
    assert record.evaluations[-1].message == text
    assert record.network is not None and record.network.vpce_id == vpce


class _FailingDecider:
    def decide(self, call: Any, verified: Any, route: Any) -> Any:
        raise RuntimeError("the decider broke")


def test_a_fault_of_the_lab_is_a_cbor_internal_exception(served: Served, world: World) -> None:
    served.front = CustomBusFront(world.state, _FailingDecider(), served.decisions)
    client = served.client()
    with pytest.raises(client.exceptions.InternalException) as caught:
        client.put_events(EventBusArn=bus_arn(world), Entries=[entry()])
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert served.last is not None
    assert_cbor_error(served.last, "InternalException", 500)
    record = record_of(served)
    assert (record.stage, record.outcome) == ("internal", "failed")
    assert record.internal_error == "RuntimeError: the decider broke"
