from tests.matrix import Route, expect

ROUTES = [
    Route("healthz", expect(200, anonymous=200)),
    # The API's description is for signed-in staff; visitors get the API's 403, not a redirect.
    Route("api-schema", expect(200, anonymous=403)),
    Route("api-docs", expect(200, anonymous=403)),
    Route("admin:index", expect(302, administrator=200)),
]
