from tests.matrix import Route, expect

ROUTES = [
    Route("audit:access-log", expect(403, auditor=200, administrator=200)),
]
