"""Certificate scans that no unit refers to are deleted a day after upload; scans of
registered units and fresh uploads stay."""
import os
import time

from services.common.storage import FileStorage
from services.orgtree import tree
from services.orgtree.upload_sweeper import sweep


def test_unreferenced_old_scans_go_and_the_rest_stay(uow_factory, tmp_path):
    storage = FileStorage(tmp_path)
    day_ago = time.time() - 25 * 3600
    for key in ("org-certificates/used", "org-certificates/abandoned", "org-certificates/fresh",
                "exports/old-export.xlsx"):
        storage.put(key, b"x")
    for key in ("org-certificates/used", "org-certificates/abandoned", "exports/old-export.xlsx"):
        os.utime(storage.local_path(key), (day_ago, day_ago))
    factory = uow_factory("orgtree")
    with factory() as uow:
        tree.add_org(uow, "有扫描件的单位", "employer", status="pending",
                     extra={"certificate_key": "org-certificates/used"})
        uow.commit()
    with factory() as uow:
        assert sweep(uow, storage) == ["org-certificates/abandoned"]
    assert storage.exists("org-certificates/used") and storage.exists("org-certificates/fresh")
    assert not storage.exists("org-certificates/abandoned")
    assert storage.exists("exports/old-export.xlsx")  # other prefixes are not its business
