from services.common.migrations import run_env
from services.orgtree.models import metadata

run_env(metadata, "orgtree")
