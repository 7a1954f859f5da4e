"""lead import reports its progress (the CLI draws it as a bar on stderr)."""

from __future__ import annotations

from salesflow.store.audit import set_actor
from salesflow.store.database import open_workspace
from salesflow.workflow.identity import find_user
from salesflow.workflow.imports import run_import
from salesflow.workflow.lead_files import table_from_rows


def test_progress_is_reported_up_to_the_whole_file(team: str) -> None:
    rows = [[f"进度测试{n}号有限公司", "website"] for n in range(1, 301)]
    table = table_from_rows("progress.csv", ["company", "source"], rows)
    seen: list[tuple[int, int]] = []
    workspace = open_workspace(team)
    try:
        with workspace.session(write=True) as session:
            actor = find_user(session, "li.na")
            assert actor is not None
            set_actor(session, actor.id)
            result = run_import(
                session, actor, table, progress=lambda done, total: seen.append((done, total))
            )
    finally:
        workspace.dispose()
    assert result.plan.new == 300
    assert seen
    assert all(done <= total for done, total in seen)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert max(done for done, _total in seen) >= 300
