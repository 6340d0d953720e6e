"""Teach schemathesis the rules the OpenAPI spec cannot state.

Dates: JSON Schema has no way to say "a date not in the future": the spec says it
in words, and without this hook the fuzzer would send years such as 0662 or
2999 as "valid" and count the server's 422 as a failure. Dates are drawn
from 1900 up to yesterday in UTC, which is not in the future in any time
zone a member may have.

Idempotency keys: see `before_call` below.
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


_VALID_KEY = re.compile(r"[\x21-\x7E]{1,255}")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Give each request its own Idempotency-Key.

    The fuzzer treats requests as unrelated, but one key ties requests
    together: sent again with another body it is refused (422), by design.
    Valid keys are made unique so each request is judged on its own; keys
    that break the header's pattern are left as they are, to be refused.
    """
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID_KEY.fullmatch(key):
        headers["Idempotency-Key"] = str(uuid.uuid4())
        case.headers = headers
