from services.common.migrations import run_env
from services.exam.models import metadata

run_env(metadata, "exam")
