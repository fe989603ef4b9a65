from tests import factories as f


def test_login_lands_on_role_home(client, session):
    u = f.user(session, f.Role.VOLUNTEER)
    f.login(client, u)
    page = client.get("/")
    assert b'data-home="volunteer"' in page.data
