"""The one place that reads htmx request headers and picks full page or partial."""
from collections.abc import Callable

from flask import Response, flash, make_response, redirect, render_template, request


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


def render_form(template: str, form, status: int | None = None, **context) -> Response:
    """A page with a form: 422 once it was submitted (it is shown again only when it failed), 200 when first
    shown; or the status given (409 for a conflict)."""
    if status is None:
        status = 422 if form.is_submitted() else 200
    return make_response(render_template(template, form=form, **context), status)


def done(partial: str, message, location: str, **context) -> Callable[[], Response]:
    """The answer to a change, made before its commit and sent after it: for htmx, the partial, rendered now
    from what this transaction knows; otherwise the message (flashed only once the change is committed) and a
    303 to location."""
    if is_htmx():
        response = fragment(partial, **context)
        return lambda: response

    text = str(message)  # translated now: after the commit, the person's language would load again

    def after_commit() -> Response:
        flash(text, "success")
        return redirect_to(location)

    return after_commit
