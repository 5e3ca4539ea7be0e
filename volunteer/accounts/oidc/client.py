"""The identity provider's client (Authlib), registered only when the OIDC settings are there."""
import json

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ...models import Role

EXTENSION = "volunteer.oidc"
REQUIRED = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
GRANTABLE = {Role.COORDINATOR.value, Role.ADMIN.value}
# Seconds to wait for the provider's discovery, keys and token endpoints before the sign-in fails calmly.
TIMEOUT = 10


def init_app(app: Flask) -> None:
    """Register the provider when the settings name one; half the settings is a mistake that stops start-up."""
    given = [key for key in REQUIRED if app.config.get(key)]
    if not given:
        return
    if len(given) < len(REQUIRED):
        raise RuntimeError(f"Staff sign-in needs all of {', '.join(REQUIRED)}; only {', '.join(given)} is set.")
    app.config["OIDC_ROLE_MAP"] = parse_role_map(app.config["OIDC_ROLE_MAP"])
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    # A registry per app: tests build several apps, each with its own provider.
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        "oidc", client_id=app.config["OIDC_CLIENT_ID"], client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256",
                       "default_timeout": TIMEOUT})


def parse_role_map(raw) -> dict[str, dict]:
    """OIDC_ROLE_MAP as a dict, checked: each group names an organisation and a role of coordinator or admin."""
    try:
        role_map = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as error:
        raise RuntimeError(f"OIDC_ROLE_MAP is not valid JSON: {error}") from error
    if not isinstance(role_map, dict):
        raise RuntimeError("OIDC_ROLE_MAP must be a JSON object from a group to an organisation and a role.")
    for group, grant in role_map.items():
        if not isinstance(grant, dict) or not isinstance(grant.get("organisation"), str) \
                or grant.get("role") not in GRANTABLE:
            raise RuntimeError(f'OIDC_ROLE_MAP["{group}"] must be {{"organisation": "name", "role": '
                               f'"coordinator" or "admin"}}.')
    return role_map


def id_token_rules(client) -> dict:
    """What the ID token must say besides its signature, expiry and nonce: this provider issued it, for this site.

    Authlib checks the audience only when told to; without this, a token the provider issued to another site
    that merely names this one as its authorised party would pass."""
    return {"iss": {"essential": True, "values": [current_app.config["OIDC_ISSUER"]]},
            "aud": {"essential": True, "values": [client.client_id]},
            "sub": {"essential": True}}


def provider():
    """The registered client, or None when staff sign-in is off."""
    return current_app.extensions.get(EXTENSION)
