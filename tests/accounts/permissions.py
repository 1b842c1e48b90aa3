from tests.matrix import Route, expect

ROUTES = [
    Route("home", expect(200)),
    # Signed-in users are sent on from the sign-in steps; only visitors see them.
    Route("accounts:sign-in", expect(302, anonymous=200)),
    Route("accounts:verify", expect(302)),
    Route("accounts:set-up-authenticator", expect(302)),
    # Sign-out and keep-alive change state, so they accept POST only.
    Route("accounts:sign-out", expect(405, anonymous=405), post=expect(302, anonymous=302)),
    Route("accounts:keep-alive", expect(405, anonymous=405), post=expect(204, anonymous=302)),
    Route("accounts:signed-out", expect(200, anonymous=200)),
]
