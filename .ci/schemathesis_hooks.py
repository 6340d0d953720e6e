"""Teach schemathesis the rules the OpenAPI spec cannot state.

JSON Schema has no way to say "a date not in the future": the spec says it
in words, and without this hook the fuzzer would send years such as 0662 or
2999 as "valid" and count the server's 422 as a failure. Dates are drawn
from 1900 up to yesterday in UTC, which is not in the future in any time
zone a member may have.
"""

import datetime

import schemathesis
from hypothesis import strategies as st

_yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)

schemathesis.openapi.format(
    "date",
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=_yesterday).map(str),
)
