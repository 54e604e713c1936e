"""Runs a module as `python -m` would, without eventlet's deprecation notice:

    python -m services.common.run_quietly nameko run --config ... services.identity.service

eventlet warns once per process on import, with a category of its own that derives from
`Warning`, not `DeprecationWarning` (so `PYTHONWARNINGS=ignore::DeprecationWarning` lets
it through), and a message that starts with a newline (so no `-W`/PYTHONWARNINGS message
filter can match it). It is raised from whichever module imports eventlet first — inside
nameko's CLI, before any code of ours runs — hence a filter installed here, first.
"""
import runpy
import sys
import warnings


def quiet_eventlet_notice():
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def main(argv):
    if len(argv) < 2:
        print("usage: python -m services.common.run_quietly MODULE [ARG ...]", file=sys.stderr)
        return 2
    quiet_eventlet_notice()
    sys.argv = argv[1:]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
