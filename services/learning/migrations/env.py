from services.common.migrations import run_env
from services.learning.models import metadata

run_env(metadata, "learning")
