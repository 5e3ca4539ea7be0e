"""The one place that reads htmx request headers and picks full page or partial."""
from flask import Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render(page: str, partial: str, status: int = 200, **context) -> Response:
    """The partial for htmx, the full page otherwise; the response varies by HX-Request."""
    response = make_response(render_template(partial if is_htmx() else page, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment(partial: str, status: int = 200, **context) -> Response:
    """Only a partial, for an htmx request that swaps one part of a page."""
    response = make_response(render_template(partial, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str) -> Response:
    """Send the browser to a new page: HX-Redirect for htmx, 303 See Other otherwise."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
    else:
        response = redirect(location, code=303)
    response.vary.add("HX-Request")
    return response
