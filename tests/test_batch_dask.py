"""Run `briefing batch --scheduler` on a local Dask cluster: datasets in, the same PDF bytes as the
local pool out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing import batch, cli

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "liujiang-2024.yaml"


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    # Two worker processes on the loopback interface only, one thread each (ReportLab is not
    # thread-safe), no dashboard. The scheduler still serves HTTP (health, metrics), by default
    # on port 8787 with a warning (an error here) when that port is taken: any free port instead.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        memory_limit=0,
    ) as running:
        yield running


def datasets(folder: Path) -> list[Path]:
    folder.mkdir()
    out = []
    for stem, district in (("d0", "柳江区"), ("d1", "柳北区"), ("d2", "鱼峰区")):
        path = folder / f"{stem}.yaml"
        path.write_text(
            SAMPLE.read_text(encoding="utf-8").replace("柳江区", district), encoding="utf-8"
        )
        out.append(path)
    return out


def pdfs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}


def test_a_batch_on_a_dask_cluster_gives_the_local_pools_bytes(
    cluster, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    paths = [str(p) for p in datasets(tmp_path / "data")]
    local = batch.run(paths, tmp_path / "local", jobs=2)
    assert local.ok
    assert local.count("built") == 6

    code = cli.main(
        ["batch", *paths, "-o", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "6 built" in out
    built = pdfs(tmp_path / "dask")
    assert len(built) == 6
    assert built == pdfs(tmp_path / "local")
    # The documents were rendered in the cluster's worker processes (which set themselves up).
    with distributed.Client(cluster.scheduler_address) as client:
        ready = client.run(lambda: __import__("briefing.batch").batch._worker_ready)
    assert len(ready) == 2
    assert any(ready.values())


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (path,) = datasets(tmp_path / "data")[:1]
    # Port 9 (discard) on the loopback interface: nothing listens there.
    code = cli.main(
        [
            "batch",
            str(path),
            "-o",
            str(tmp_path / "out"),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--scheduler-timeout",
            "2",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("ClusterError: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
