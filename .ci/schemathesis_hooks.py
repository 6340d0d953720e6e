"""Teach schemathesis the rules the OpenAPI spec cannot state.

Dates: JSON Schema has no way to say "a date not in the future": the spec says it
in words, and without this hook the fuzzer would send years such as 0662 or
2999 as "valid" and count the server's 422 as a failure. Dates are drawn
from 1900 up to yesterday in UTC, which is not in the future in any time
zone a member may have.

Time zones: a string the server checks, drawn from a few real zones.

Idempotency keys and quit goals: see `before_call` below.
"""

import datetime
import re
import uuid

import schemathesis
from hypothesis import strategies as st

_yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)

schemathesis.openapi.format(
    "date",
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=_yesterday).map(str),
)


# A time zone is a string the server checks against its tz database (the
# spec says so, with the format "iana-time-zone"); a valid one is one of
# these, which every tz database has.
schemathesis.openapi.format(
    "iana-time-zone",
    st.sampled_from(
        [
            "UTC",
            "Europe/Berlin",
            "Europe/London",
            "America/New_York",
            "America/Argentina/Buenos_Aires",
            "Asia/Kolkata",
            "Asia/Tokyo",
            "Australia/Sydney",
            "Pacific/Kiritimati",
            "Etc/GMT+12",
        ]
    ),
)


_VALID_KEY = re.compile(r"[\x21-\x7E]{1,255}")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Give each valid request its own Idempotency-Key, and each valid quit
    goal a daily cadence.

    The fuzzer treats requests as unrelated, but one key ties requests
    together: sent again with another body it is refused (422), by design.
    So a request meant to be valid gets a fresh key and is judged on its
    own. Requests meant to be invalid are left untouched: changing their
    headers would make schemathesis judge them anew (and put back a header
    they are meant to lack), and a reused key is one more reason to refuse
    them anyway.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and _VALID_KEY.fullmatch(key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    # A quit goal is daily: a rule across two fields that the spec states in
    # words (on `kind`), not in the schema. A valid request for a quit goal
    # has a daily cadence.
    body = case.body
    if (
        case.operation.method.upper() == "POST"
        and case.operation.path == "/v1/goals"
        and isinstance(body, dict)
        and body.get("kind") == "quit"
    ):
        body["cadence"] = {"type": "daily"}
