"""A Flask hello world, the yardstick of bench/http_load.py: served the same way as Casework."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
