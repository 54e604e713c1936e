"""flask-smorest's Blueprint, with argument schemas built once. webargs instantiates a
schema given as a class on every request — marshmallow deep-copies every declared field
to do so, which cost 0.5–3 ms per request, more than the rest of a small route."""
from flask_smorest import Blueprint as _Blueprint


class Blueprint(_Blueprint):
    def arguments(self, schema, *args, **kwargs):
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
