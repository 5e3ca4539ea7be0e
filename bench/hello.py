"""The ceiling: the smallest Flask app, served the same way as the site (gunicorn, two workers)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
