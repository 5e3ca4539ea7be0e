"""The floor: the site itself (every extension, hook and header), with one more page that only finds out who
is signed in and answers a word. No page of the site that knows its visitor can be faster than this one, so
it shows how much of the gap to the hello ceiling is the cost of a signed-in request as such, and how much
is the page's own work. Served by bench/run.py like the site; not part of the site."""
from flask import Flask
from flask_login import current_user, login_required

from volunteer import create_app

PATH = "/bench/floor"


def add_floor(site: Flask) -> Flask:
    @site.get(PATH)
    @login_required
    def bench_floor():
        return f"{current_user.id}"

    return site


def create() -> Flask:
    """For gunicorn: bench.floor:create()."""
    return add_floor(create_app())
