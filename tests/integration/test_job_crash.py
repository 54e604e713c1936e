"""A real identity process killed (SIGKILL) in the middle of a learner import: a new process
takes the job over once its lease runs out and finishes it, with every row imported once."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.storage import FileStorage
from services.identity import learner_import, models
from tests.builders import import_sheet
from tests.conftest import eventually

pytestmark = pytest.mark.integration
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS, BAD_EVERY, BATCH = 600, 100, 50
GOOD = ROWS - ROWS // BAD_EVERY

IDENTITY = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import sys
    from nameko.runners import ServiceRunner
    from services.identity import learner_import
    from services.identity.service import IdentityService
    amqp_uri, db_url, batch, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    learner_import.BATCH = batch
    if pause:  # big batches take a while: room to kill the process between two of them
        create_batch = learner_import.create_batch
        def slow_batch(*args):
            eventlet.sleep(pause)
            return create_batch(*args)
        learner_import.create_batch = slow_batch
    runner = ServiceRunner({"AMQP_URI": amqp_uri, "DATABASE_URL": db_url, "max_workers": 4,
                            "OUTBOX_POLL_SECONDS": 0.2, "AUTH_CAPTCHA": "off"})
    runner.add_service(IdentityService)
    runner.start()
    print("started", flush=True)
    runner.wait()
""")


def start_identity(amqp_uri, db_url, var_dir, pause):
    env = dict(os.environ, PYTHONPATH=REPO, VAR_DIR=str(var_dir), JOB_LEASE_SECONDS="3",
               JOB_SWEEP_SECONDS="0.5", JOB_RETRY_SECONDS="1")
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", IDENTITY, amqp_uri, db_url, str(BATCH),
         str(pause)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout.readline().strip() == b"started"
    return proc


def the_job(db):
    with db() as uow:
        return uow.session.execute(sa.select(models.jobs)).mappings().one_or_none()


def count(db, table, *where):
    with db() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(table)
                                   .where(*where)).scalar()


def test_an_import_whose_process_is_killed_is_finished_by_the_next_one_exactly_once(
        amqp_uri, uow_factory, tmp_path):
    db = uow_factory("identity")
    with db() as uow:
        uow.session.execute(sa.insert(models.orgs).values(
            id=1, parent_id=None, path="/1/", name="导入单位", type="employer",
            status="approved", review_members=False))
        uow.commit()
    storage = FileStorage(root=tmp_path / "var" / "files")
    storage.put("uploads/learners.xlsx", import_sheet(learner_import.template_bytes(),
                                                      rows=ROWS, bad_every=BAD_EVERY))
    admin = {"user_id": 7, "role": "admin", "org_id": 1, "org_path": "/1/",
             "modules": ["batch_import"]}

    first = start_identity(amqp_uri, db.engine.url.render_as_string(False), tmp_path / "var",
                           pause=0.3)
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            started = rpc.identity.start_import(admin, 1, "uploads/learners.xlsx", "学员.xlsx")
        assert started["status"] == "queued"  # answered at once; the import runs behind
        assert the_job(db)["status"] in ("queued", "running")
        eventually(lambda: the_job(db)["progress_done"] >= ROWS // BAD_EVERY + 3 * BATCH,
                   timeout=30, interval=0.02)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    killed = the_job(db)
    assert killed["status"] == "running" and killed["attempts"] == 1
    created_before = count(db, models.people)
    assert 3 * BATCH <= created_before < GOOD, "killed before or after the import, not in it"
    assert created_before == killed["checkpoint"]["imported"]  # cursor and rows agree

    second = start_identity(amqp_uri, db.engine.url.render_as_string(False), tmp_path / "var",
                            pause=0)
    try:
        job = eventually(lambda: the_job(db)["status"] in ("done", "failed") and the_job(db),
                         timeout=60, interval=0.1)
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            status = rpc.identity.import_status(admin, started["import_id"])
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert job["status"] == "done" and job["attempts"] == 2
    assert job["result"] == {"total_rows": ROWS, "imported": GOOD, "failed": ROWS // BAD_EVERY}
    assert (job["progress_done"], job["progress_total"]) == (ROWS, ROWS)
    assert (status["status"], status["imported"], status["failed"]) == ("done", GOOD, ROWS // BAD_EVERY)
    assert status["progress"] == {"done": ROWS, "total": ROWS} and status["failure_report"]
    assert count(db, models.people) == GOOD
    with db() as uow:
        numbers = uow.session.execute(sa.select(models.people.c.id_number)).scalars().all()
    assert len(set(numbers)) == GOOD
    assert count(db, models.outbox, models.outbox.c.event_type == "user_registered") == GOOD
