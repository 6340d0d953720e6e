"""Seeds a running Tether server through its API, as members would: each
member registers, sets a daily goal started 30 days ago and checks in on
the 14 days the API lets a member record (the backfill window), some as
rest days. Writes a Lua table for wrk with each member's token, goal and
dates. Standard library only.

usage: seed.py BASE_URL MEMBERS OUT.lua
"""

import datetime
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

base, members, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(request, data, timeout=60) as response:
        return json.loads(response.read() or b"null")


def seed(i):
    session = call(
        "POST",
        "/v1/auth/register",
        {
            "email": f"load-{i}@example.org",
            "password": "a long load-test passphrase",
            "display_name": f"Member {i}",
            "timezone": "UTC",
        },
    )
    token = session["access_token"]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    goal = call(
        "POST",
        "/v1/goals",
        {
            "title": "Walk for 20 minutes",
            "kind": "build",
            "cadence": {"type": "daily"},
            "started_on": str(today - datetime.timedelta(days=30)),
        },
        token,
    )
    dates = [str(today - datetime.timedelta(days=d)) for d in range(14, 0, -1)]
    for n, day in enumerate(dates):
        status = "skipped" if n % 7 == 3 else "done"
        call("PUT", f"/v1/goals/{goal['id']}/check-ins/{day}", {"status": status}, token)
    return token, goal["id"], dates


with ThreadPoolExecutor(max_workers=8) as pool:
    seeded = list(pool.map(seed, range(members)))

with open(out, "w") as lua:
    lua.write("return {\n")
    for token, goal, dates in seeded:
        quoted = ", ".join(f'"{d}"' for d in dates)
        lua.write(f'  {{token = "{token}", goal = "{goal}", dates = {{{quoted}}}}},\n')
    lua.write("}\n")
print(f"seeded {len(seeded)} members, each with a daily goal and {len(seeded[0][2])} check-ins")
