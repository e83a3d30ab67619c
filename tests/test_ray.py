"""The Ray engine writes the corpus the local build writes (a local Ray instance, two CPUs)."""

from __future__ import annotations

import pytest
from conftest import tree_bytes

from diglot import pipeline
from diglot.progress import DiglotWarning



@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_build_is_byte_identical_to_the_local_build(local_ray, seeds_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "local-store"))
    local = pipeline.build(seeds_copy, tmp_path / "local", workers=1)
    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "ray-store"))  # an empty store: the actors embed everything
    info: dict = {}
    on_ray = pipeline.build(seeds_copy, tmp_path / "ray", engine="ray", info=info)
    assert info["embedded"] == info["sentences"] > 0
    assert tree_bytes(on_ray) == tree_bytes(local)
    again: dict = {}
    pipeline.build(seeds_copy, tmp_path / "ray", engine="ray", info=again)
    assert again["embedded"] == 0  # the driver's store serves the rebuild


def test_ray_build_without_a_usable_driver_store(local_ray, seeds_copy, tmp_path, monkeypatch):
    """The actors' vectors are kept in the driver's memory and travel with the align jobs."""
    from diglot.align import embedders

    monkeypatch.setenv("DIGLOT_CACHE", str(tmp_path / "local-store"))
    local = pipeline.build(seeds_copy, tmp_path / "local", workers=1)
    blocker = tmp_path / "a-file"
    blocker.write_text("where the store's folder would go")
    monkeypatch.setenv("DIGLOT_CACHE", str(blocker))
    monkeypatch.setattr(embedders, "_UNSTORED", {})
    with pytest.warns(DiglotWarning, match="unusable"):
        on_ray = pipeline.build(seeds_copy, tmp_path / "ray", engine="ray")
    assert tree_bytes(on_ray) == tree_bytes(local)
