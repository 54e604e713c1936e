"""Print the gateway's OpenAPI document (the web client's types are generated from it):
`python -m gateway.openapi_dump > var/openapi.json`. Needs no broker: no route is called."""
import json
import sys

from .app import create_app


def main():
    app = create_app()
    with app.app_context():
        spec = app.extensions["openapi"].spec.to_dict()
    json.dump(spec, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
