"""Sign-in, sessions, API tokens and signed media URLs through the real app."""

from __future__ import annotations

from tests.auth.conftest import USER_PASSWORD, Gateway
from vgateway.audit.store import AuditQuery


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_it(gw: Gateway) -> None:
    client = gw.client
    assert client.get("/api/auth/me").status_code == 401
    response = client.post(
        "/api/auth/login", json={"username": "op_alpha", "password": USER_PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    me = client.get("/api/auth/me").json()
    assert me["role"] == "town_operator" and me["town"] == "alpha" and me["town_name"] == "甲镇"
    assert me["permissions"] == []
    stolen = dict(client.cookies)

    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    # a copy of the cookie taken before logout is dead too
    client.cookies.update(stolen)
    assert client.get("/api/auth/me").status_code == 401
    actions = [e.action for e in gw.auth.audit.search(AuditQuery(actor="op_alpha"))]
    assert actions[:2] == ["auth.logout", "auth.login"]


def test_failed_logins_are_recorded_and_throttled(gw: Gateway) -> None:
    def login(user: str, password: str) -> tuple[int, str]:
        response = gw.client.post("/api/auth/login", json={"username": user, "password": password})
        return response.status_code, response.json()["detail"]

    # an unknown user gets the same answer as a wrong password
    assert login("ghost", "nope") == (401, "wrong user name or password")
    for _ in range(4):
        assert login("op_bravo", "nope") == (401, "wrong user name or password")
    # five failures from this address: even the right password waits now
    status, detail = login("op_bravo", USER_PASSWORD)
    assert status == 429 and "try again in" in detail
    failures = gw.auth.audit.search(AuditQuery(action="auth.login_failed"))
    assert len(failures) == 5 and failures[0].address == "testclient"
    assert gw.auth.audit.search(AuditQuery(action="auth.login_throttled"))


def test_api_token_revocation_is_immediate(gw: Gateway) -> None:
    headers = gw.headers("district")
    assert gw.client.get("/api/auth/me", headers=headers).json()["name"] == "district"
    token_id = next(
        t["id"]
        for t in gw.client.get("/api/auth/tokens", headers=gw.headers("root")).json()
        if t["user"] == "district"
    )
    assert (
        gw.client.delete(f"/api/auth/tokens/{token_id}", headers=gw.headers("root")).status_code
        == 204
    )
    assert gw.client.get("/api/auth/me", headers=headers).status_code == 401
    assert gw.client.get("/api/auth/me", headers={"Authorization": "Basic eA=="}).status_code == 401


def test_signed_media_url_is_bound_and_dies_with_its_session(gw: Gateway) -> None:
    client = gw.login("op_alpha")
    hidden = client.post(
        "/api/auth/media-token", json={"camera_id": "bravo1", "action": "view_snapshot"}
    )
    assert hidden.status_code == 404
    signed = client.post(
        "/api/auth/media-token", json={"camera_id": "alpha1", "action": "view_snapshot"}
    ).json()
    token = signed["token"]
    client.cookies.clear()
    # bound to camera and action: usable for alpha1's snapshot only
    assert client.get(f"/api/cameras/alpha1/snapshot.jpg?token={token}").status_code == 503
    assert client.get(f"/api/cameras/bravo1/snapshot.jpg?token={token}").status_code == 404
    assert client.get(f"/api/auth/users?token={token}").status_code == 403
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/api/cameras/alpha1/snapshot.jpg?token={forged}").status_code == 401
    # the session that signed it ends: the URL stops working before it expires
    session = gw.login("op_alpha")
    me = session.get("/api/auth/me").json()
    assert me["via"] == "session"
    gw.auth.credentials.revoke_user("op_alpha", 0)
    session.cookies.clear()
    assert client.get(f"/api/cameras/alpha1/snapshot.jpg?token={token}").status_code == 401
