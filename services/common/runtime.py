"""What a service process sets up before its container starts (imported by service.py)."""
from .broker_outages import survive_broker_outages
from .rpc_publishing import use_transient_rpc


def prepare_service_process():
    # psycopg2 would block the whole eventlet hub on every query without this.
    try:
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()
    except ImportError:  # SQLite-only installs
        pass
    use_transient_rpc()
    survive_broker_outages()
