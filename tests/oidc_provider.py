"""A small OpenID Connect provider for the tests: discovery, keys, an authorisation endpoint that records the PKCE
challenge and the nonce, and a token endpoint that checks the code verifier and signs an ID token."""
import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "volunteer-site"
CLIENT_SECRET = "provider-test-secret"


@dataclass
class Provider:
    """The provider's state: who signs in next, and what a test asks it to get wrong."""

    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "live"}))
    claims: dict = field(default_factory=dict)
    tamper: dict = field(default_factory=dict)  # claims to put in the ID token instead, or another signing_key
    codes: dict = field(default_factory=dict)
    issuer: str = ""

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        tamper = dict(self.tamper)
        key = tamper.pop("signing_key", self.key)
        claims = {"iss": self.issuer, "sub": self.claims.get("email", "someone"), "iat": now, "exp": now + 300,
                  "aud": CLIENT_ID, "nonce": grant["nonce"], **self.claims, **tamper}
        return jwt.encode({"alg": "RS256", "kid": "live"}, claims, key)


def provider_app(provider: Provider) -> Flask:
    app = Flask("oidc_provider")

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify(issuer=provider.issuer, authorization_endpoint=f"{provider.issuer}/authorize",
                       token_endpoint=f"{provider.issuer}/token", jwks_uri=f"{provider.issuer}/jwks",
                       response_types_supported=["code"], subject_types_supported=["public"],
                       id_token_signing_alg_values_supported=["RS256"], code_challenge_methods_supported=["S256"])

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize():
        args = request.args
        assert args["client_id"] == CLIENT_ID and args["response_type"] == "code"
        assert args["code_challenge_method"] == "S256" and "openid" in args["scope"].split()
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"challenge": args["code_challenge"], "nonce": args["nonce"],
                                "redirect_uri": args["redirect_uri"]}
        return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

    @app.post("/token")
    def token():
        form = request.form
        grant = provider.codes.pop(form.get("code", ""), None)
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return jsonify(error="invalid_client"), 401
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"] \
                or _challenge(form.get("code_verifier", "")) != grant["challenge"]:
            return jsonify(error="invalid_grant"), 400
        return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                       id_token=provider.id_token(grant))

    return app


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Running:
    """The provider served on a free loopback port in a thread, until stop()."""

    def __init__(self):
        self.provider = Provider()
        self.server = make_server("127.0.0.1", 0, provider_app(self.provider), threaded=True)
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
