"""A small OpenID provider for demo mode only: pick a demo person, get logged in.

It speaks the same protocol and releases the same claim names as the national digital ID (``pid``,
``name``, ``name_en``, ``birthdate``, ``acr``, ``amr``, ``auth_time``), so switching to the real
provider is configuration only. authlib supplies the PKCE check and token generation; joserfc signs
the ID token. authlib's ``AuthorizationServer`` was not used: it needs a framework adapter that
Litestar lacks, and the four endpoints below are short enough to read whole.

Besides the demo people, any valid (check digit) 13-digit national ID may be given as ``person`` in the
form's POST: a new citizen of that ID, for load tests such as ``make rush`` that need thousands of
distinct first logins. Demo mode only, as the provider is; it grants no more than picking a person does.

``demo_idp_routes`` refuses to build outside demo mode, and ``create_app`` only asks for it when
demo mode is on and no ``OIDC_ISSUER`` is set.
"""

from __future__ import annotations

import base64
import html
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import msgspec
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey
from litestar import MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect

from backend.core.crypto import is_valid_national_id
from backend.core.errors import BadRequest, NotAuthenticated
from backend.core.resources import Resources
from backend.demo.people import DEMO_PEOPLE, DEMO_PEOPLE_BY_KEY, DemoPerson
from backend.settings import DEMO_IDP_CLIENT_ID, DEMO_IDP_PATH, Settings

PREFIX = DEMO_IDP_PATH
DEMO_CLIENT_ID = DEMO_IDP_CLIENT_ID
DEFAULT_ACR = "urn:demo:ial:2"
_CODE_KEY = "demo-idp-code:{}"
_CODE_TTL_SECONDS = 60
_ID_TOKEN_TTL_SECONDS = 300


def demo_issuer(settings: Settings) -> str:
    return f"{settings.public_url}{PREFIX}"


def demo_client_credentials(settings: Settings) -> tuple[str, str]:
    """The app's client id and secret at the demo provider (``Settings.oidc_client`` derives them)."""
    _issuer, client_id, secret = settings.oidc_client
    return client_id, secret


def _signing_key(var_dir: Path) -> RSAKey:
    path = var_dir / "demo-idp-key.json"
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    key = RSAKey.generate_key(
        2048, parameters={"kid": f"demo-{int(time.time())}", "use": "sig", "alg": "RS256"}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(key.as_dict(private=True), file)
    return key


class _CodeGrant(msgspec.Struct):
    person: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    acr: str
    auth_time: int


class _AuthorizeRequest(msgspec.Struct, kw_only=True):
    client_id: str = ""
    redirect_uri: str = ""
    response_type: str = ""
    scope: str = ""
    state: str = ""
    nonce: str | None = None
    code_challenge: str = ""
    code_challenge_method: str = ""
    acr_values: str | None = None
    max_age: str | None = None
    person: str | None = None


def _page(title: str, body: str) -> Response[str]:
    document = (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )
    return Response(document, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


def demo_idp_routes(settings: Settings) -> list[HTTPRouteHandler]:
    if not settings.demo_mode:
        raise RuntimeError("The demo identity provider exists only in demo mode")
    issuer = demo_issuer(settings)
    client_id, client_secret = demo_client_credentials(settings)
    redirect_uri = f"{settings.public_url}/auth/callback"
    key = _signing_key(settings.var_path)
    acr_levels = settings.acr_levels

    def checked(request: _AuthorizeRequest) -> _AuthorizeRequest:
        if request.client_id != client_id or request.redirect_uri != redirect_uri:
            raise BadRequest("Unknown client or redirect_uri")
        if request.response_type != "code" or "openid" not in request.scope.split():
            raise BadRequest("Only the OpenID Connect authorization code flow is supported")
        if request.code_challenge_method != "S256" or len(request.code_challenge) < 43:
            raise BadRequest("PKCE with S256 is required")
        return request

    @get(f"{PREFIX}/.well-known/openid-configuration", include_in_schema=False)
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "acr_values_supported": acr_levels,
            "scopes_supported": ["openid", "pid", "name", "name_en", "birthdate"],
            "claims_supported": [
                "sub",
                "pid",
                "name",
                "name_en",
                "birthdate",
                "gender",
                "acr",
                "amr",
                "auth_time",
            ],
        }

    @get(f"{PREFIX}/jwks", include_in_schema=False)
    async def jwks() -> dict[str, Any]:
        return {"keys": [key.as_dict(private=False)]}

    @get(f"{PREFIX}/authorize", include_in_schema=False)
    async def authorize_page(request: Request[Any, Any, Any]) -> Response[str]:
        params = checked(msgspec.convert(dict(request.query_params), _AuthorizeRequest))
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(str(value))}">'
            for name, value in msgspec.structs.asdict(params).items()
            if value is not None and name != "person"
        )
        people = "".join(
            f'<li><button type="submit" name="person" value="{person.key}">{html.escape(person.name_th)} · '
            f"{html.escape(person.name_en)}</button> <small>{html.escape(person.situation)}</small></li>"
            for person in DEMO_PEOPLE
        )
        body = (
            "<h1>ThaID (สาธิต) · Demo digital ID</h1>"
            "<p><strong>Demo only: not a real identity provider.</strong> Choose who to log in as.</p>"
            f'<form method="post" action="{PREFIX}/authorize">{hidden}<ul>{people}</ul></form>'
        )
        return _page("Demo digital ID", body)

    @post(f"{PREFIX}/authorize", include_in_schema=False, status_code=303)
    async def authorize(
        data: URLEncodedBody[_AuthorizeRequest], resources: NamedDependency[Resources]
    ) -> Redirect:
        params = checked(data)
        person = demo_person(params.person or "")
        if person is None:
            raise BadRequest("Choose one of the demo people")
        requested = (params.acr_values or "").split()
        acr = next((value for value in requested if value in acr_levels), DEFAULT_ACR)
        code = generate_token(40)
        grant = _CodeGrant(
            person=person.key,
            redirect_uri=params.redirect_uri,
            nonce=params.nonce,
            code_challenge=params.code_challenge,
            acr=acr,
            auth_time=int(time.time()),
        )
        await resources.redis.set(_CODE_KEY.format(code), msgspec.json.encode(grant), ex=_CODE_TTL_SECONDS)
        return Redirect(
            f"{params.redirect_uri}?{urlencode({'code': code, 'state': params.state})}", status_code=303
        )

    @post(f"{PREFIX}/token", include_in_schema=False, status_code=200)
    async def token(
        request: Request[Any, Any, Any],
        data: URLEncodedBody[dict[str, str]],
        resources: NamedDependency[Resources],
    ) -> Response[dict[str, Any]]:
        if request.headers.get("authorization", "") != _basic(client_id, client_secret):
            raise NotAuthenticated("invalid_client")
        raw = await resources.redis.getdel(_CODE_KEY.format(data.get("code", "")))
        if data.get("grant_type") != "authorization_code" or raw is None:
            return _token_error("invalid_grant")
        grant = msgspec.json.decode(raw, type=_CodeGrant)
        verifier = data.get("code_verifier", "")
        if (
            data.get("redirect_uri") != grant.redirect_uri
            or create_s256_code_challenge(verifier) != grant.code_challenge
        ):
            return _token_error("invalid_grant")
        person = demo_person(grant.person)
        assert person is not None  # checked when the code was granted
        now = int(time.time())
        claims = _id_token_claims(person, grant, issuer=issuer, audience=client_id, now=now)
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        body = {
            "access_token": generate_token(40),
            "token_type": "Bearer",
            "expires_in": _ID_TOKEN_TTL_SECONDS,
            "id_token": id_token,
        }
        return Response(body, headers={"Cache-Control": "no-store"})

    @get(f"{PREFIX}/logout", include_in_schema=False)
    async def logout(post_logout_redirect_uri: FromQuery[str | None] = None) -> Redirect:
        target = post_logout_redirect_uri or f"{settings.public_url}/"
        if not target.startswith(f"{settings.public_url}/"):
            raise BadRequest("Unknown post_logout_redirect_uri")
        return Redirect(target, status_code=303)

    return [discovery, jwks, authorize_page, authorize, token, logout]


def demo_person(choice: str) -> DemoPerson | None:
    """A demo person by key, or a new citizen of any valid national ID (a person of no situation)."""
    if choice in DEMO_PEOPLE_BY_KEY:
        return DEMO_PEOPLE_BY_KEY[choice]
    if not is_valid_national_id(choice):
        return None
    return DemoPerson(choice, choice, "ประชาชน ทดลอง", "New Citizen", "1990-01-01", "female", "A new citizen")


def _basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def _token_error(error: str) -> Response[dict[str, Any]]:
    return Response({"error": error}, status_code=400, headers={"Cache-Control": "no-store"})


def _id_token_claims(
    person: DemoPerson, grant: _CodeGrant, *, issuer: str, audience: str, now: int
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": person.key,
        "aud": audience,
        "iat": now,
        "exp": now + _ID_TOKEN_TTL_SECONDS,
        "auth_time": grant.auth_time,
        "acr": grant.acr,
        "amr": ["pwd"] if grant.acr == DEFAULT_ACR else ["pwd", "face"],
        "pid": person.national_id,
        "name": person.name_th,
        "name_en": person.name_en,
        "birthdate": person.birthdate,
        "gender": person.gender,
    }
    if grant.nonce:
        claims["nonce"] = grant.nonce
    return claims
