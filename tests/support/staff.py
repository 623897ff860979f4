"""How the tests call staff routes directly: as the proxy would, with staff headers."""

STAFF_HEADERS = {"X-Staff-Id": "test-admin", "X-Staff-Role": "admin"}
EDITOR_HEADERS = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
VIEWER_HEADERS = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer"}
# The CSRF token of a staff session as the proxy passes it (X-Staff-Csrf); forms send it back.
SESSION_CSRF = "csrf-of-the-session"
