"""The original tool's stack as a benchmark peer: a Flask app answering GET /status/<id>/ with a JSON document
(the one mini-compose served for the same instance, read from a file), on Flask's built-in development server
(Werkzeug, threaded, as `app.run()` runs it). Binds 127.0.0.1 on a free port and prints `port=N` once listening.
"""

import json
import sys

from flask import Flask, abort, jsonify
from werkzeug.serving import make_server


def create_app(document):
    app = Flask("status-peer")
    app.json.sort_keys = False

    @app.get("/status/<instance>/")
    def status(instance):
        if instance != document["id"]:
            abort(404)
        # Serialised on every request, as the original built its answer from live state each time.
        return jsonify(document)

    return app


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        document = json.load(file)
    server = make_server("127.0.0.1", 0, create_app(document), threaded=True)
    print(f"port={server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
