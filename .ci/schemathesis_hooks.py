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
    """Give each valid request its own Idempotency-Key.

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
