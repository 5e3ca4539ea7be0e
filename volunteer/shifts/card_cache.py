"""Shift cards rendered once per worker and reused for everyone who sees the same card.

Rendering a card (dates, times, language names, translated labels) was most of the time a list of shifts
took. A card is kept under everything it shows: the reader's language, the shift's own columns and those of
its site, task and required qualification, the wanted languages, the person's state on it and its
explanation, the training sessions it leads to, and the page its buttons come back to. So a changed shift, a
place taken or another state simply misses the cache, and nothing has to be told to forget anything. The one
thing a card holds that is not shared is the form's CSRF token: it is kept as a mark and filled in for each
request."""
import secrets
from functools import lru_cache
from threading import Lock

from cachetools import LRUCache
from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import inspect

from ..i18n.catalog import current_locale

# About 3 KB a card with its key (measured), so 3 MB per worker: the first pages of the lists in each
# language and state, which is what most people look at.
MAX_CARDS = 1000
# Unguessable, so that no text typed into a shift can look like it.
_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"


def init_app(app) -> None:
    app.extensions["shift_cards"] = (LRUCache(maxsize=MAX_CARDS), Lock())
    app.jinja_env.globals["shift_card"] = shift_card


def shift_card(card, details: bool = False, next_page: str | None = None) -> Markup:
    """templates/shifts/_shift.html for one card, from the cache when the same card was made before."""
    cards, lock = current_app.extensions["shift_cards"]
    # What one response's cards share: a handful of sites and tasks, the CSRF token.
    shared = request.environ.setdefault("volunteer.shift_cards", {})
    key = _card_key(shared, card, bool(details), next_page or request.path)
    with lock:  # an LRU reorders itself on every read
        html = cards.get(key)
    if html is None:
        html = render_template("shifts/_shift.html", card=card, details=details, next_page=next_page,
                               csrf_token=lambda: _CSRF_MARK)
        with lock:
            cards[key] = html
    if "csrf" not in shared:
        shared["csrf"] = generate_csrf()
    return Markup(html.replace(_CSRF_MARK, shared["csrf"]))


def _card_key(shared: dict, card, details: bool, next_page: str) -> tuple:
    shift = card.subject
    return (current_locale(), request.script_root, details, next_page, card.state, card.explanation, card.refused,
            card.notice, card.confirming, card.leads, _columns(shift), _shared(shared, shift.site),
            _shared(shared, shift.task), _shared(shared, shift.required_qualification), tuple(shift.language_codes))


def _shared(known: dict, row) -> tuple:
    key = (type(row), id(row))
    if key not in known:
        known[key] = _columns(row)
    return known[key]


def _columns(row) -> tuple:
    """Every column's value of a row, hashable (JSON columns' dicts as sorted pairs)."""
    if row is None:
        return ()
    return tuple(_frozen(getattr(row, name)) for name in _column_names(type(row)))


@lru_cache(maxsize=None)
def _column_names(model) -> tuple[str, ...]:
    return tuple(attribute.key for attribute in inspect(model).column_attrs)


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value
