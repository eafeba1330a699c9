"""Users and tokens: only the hash is stored, tokens expire and can be revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from store_fixtures import T0

from adapters.records import Source
from hub.store.errors import AuthCode, AuthenticationError, UserError
from hub.store.states import Role
from hub.store.tables import ApiToken
from hub.store.users import (
    Principal,
    add_user,
    authenticate,
    hash_token,
    issue_token,
    list_tokens,
    revoke_tokens,
    set_active,
)


@pytest.fixture
def wang(session: Session) -> str:
    add_user(session, "wang", role=Role.SUPERVISOR, region_scope="530102")
    session.commit()
    return "wang"


def test_a_token_authenticates_as_its_user(session: Session, wang: str) -> None:
    issued = issue_token(session, wang, days=30, now=T0)
    session.commit()

    principal = authenticate(session, issued.token, now=T0 + timedelta(days=29))

    assert principal == Principal(user="wang", role=Role.SUPERVISOR, region_scope="530102", department=None)
    assert issued.expires_at == T0 + timedelta(days=30)


def test_only_the_tokens_hash_is_stored(session: Session, wang: str) -> None:
    issued = issue_token(session, wang, now=T0)
    session.commit()

    stored = session.exec(select(ApiToken)).one()
    assert stored.token_hash == hash_token(issued.token)
    assert issued.token not in repr(stored.model_dump())
    assert len(stored.token_hash) == 64


def test_an_expired_token_is_refused(session: Session, wang: str) -> None:
    issued = issue_token(session, wang, days=1, now=T0)

    with pytest.raises(AuthenticationError) as refused:
        authenticate(session, issued.token, now=T0 + timedelta(days=1))

    assert refused.value.code is AuthCode.EXPIRED


def test_revoked_tokens_are_refused_and_others_still_work(session: Session, wang: str) -> None:
    first = issue_token(session, wang, now=T0)
    second = issue_token(session, wang, now=T0)

    assert revoke_tokens(session, wang, token_id=first.token_id, now=T0) == 1
    session.commit()

    with pytest.raises(AuthenticationError) as refused:
        authenticate(session, first.token, now=T0)
    assert refused.value.code is AuthCode.REVOKED
    assert authenticate(session, second.token, now=T0).user == "wang"
    assert revoke_tokens(session, wang, now=T0) == 1
    assert all(t.revoked_at is not None for t in list_tokens(session, wang))


def test_unknown_tokens_and_inactive_users_are_refused(session: Session, wang: str) -> None:
    issued = issue_token(session, wang, now=T0)
    set_active(session, wang, False)

    with pytest.raises(AuthenticationError) as inactive:
        authenticate(session, issued.token, now=T0)
    with pytest.raises(AuthenticationError) as unknown:
        authenticate(session, "doudi_guess", now=T0)

    assert (inactive.value.code, unknown.value.code) == (AuthCode.INACTIVE_USER, AuthCode.UNKNOWN)


def test_a_department_user_names_its_source(session: Session) -> None:
    user = add_user(session, "zhao", role=Role.DEPARTMENT, region_scope="53", department=Source.CIVIL)
    token = issue_token(session, "zhao", now=T0).token

    assert user.department is Source.CIVIL
    assert authenticate(session, token, now=T0).department is Source.CIVIL


@pytest.mark.parametrize(
    ("name", "role", "region", "department", "message"),
    [
        ("zhao", Role.DEPARTMENT, "53", None, "needs --department"),
        ("zhao", Role.LEADER, "53", Source.CIVIL, "only role department"),
        ("zhao", Role.LEADER, "5301x", None, "region-code prefix"),
        ("zhao", Role.LEADER, "530", None, "region-code prefix"),
        ("wang", Role.LEADER, "53", None, "already exists"),
        ("  ", Role.LEADER, "53", None, "needs a name"),
    ],
)
def test_users_that_cannot_be_added(
    session: Session, wang: str, name: str, role: Role, region: str, department: Source | None, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        add_user(session, name, role=role, region_scope=region, department=department)


def test_no_token_for_an_unknown_or_inactive_user(session: Session, wang: str) -> None:
    set_active(session, wang, False)

    with pytest.raises(UserError, match="inactive"):
        issue_token(session, wang)
    with pytest.raises(UserError, match="no user"):
        issue_token(session, "nobody")
