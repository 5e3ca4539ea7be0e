"""The one place that reads htmx request headers and picks full page or partial."""
from collections.abc import Callable

from flask import Response, flash, make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render(page: str, partial: str, status: int = 200, page_context: Callable[[], dict] | None = None,
           **context) -> Response:
    """The partial for htmx, the full page otherwise; the response varies by HX-Request."""
    if is_htmx():
        template = partial
    else:
        # What only the full page shows is worked out only when the full page is sent.
        template, context = page, {**context, **(page_context() if page_context else {})}
    response = make_response(render_template(template, **context), status)
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
    """A page with a form: 422 once it failed, 200 when first shown; or the status given (409 for a conflict)."""
    if status is None:
        # A posted form is shown again only when it failed; a form in the query string fails with errors.
        status = 422 if form.is_submitted() or form.errors else 200
    return make_response(render_template(template, form=form, **context), status)


def done(partial: str, message, location: str, status: int = 200, category: str = "success",
         partial_context: Callable[[], dict] | None = None, **context) -> Callable[[], Response]:
    """The answer to a change, made before its commit and sent after it: for htmx, the partial, rendered now
    from what this transaction knows; otherwise the message (flashed only once the change is committed) and a
    303 to location. No message flashes nothing; partial_context is worked out only for htmx; status is the
    partial's (409 for a refusal)."""
    if is_htmx():
        response = fragment(partial, status, **context, **(partial_context() if partial_context else {}))
        return lambda: response

    text = None if message is None else str(message)  # translated now: after the commit, the language loads again

    def after_commit() -> Response:
        if text is not None:
            flash(text, category)
        return redirect_to(location)

    return after_commit
