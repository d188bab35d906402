"""Every fastseed error survives pickling with its fields (Dask sends a task's error back
from the worker process that raised it)."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import fastseed
from fastseed.dialects.base import TriggerRejected
from fastseed.errors import FastseedError, LoadError
from fastseed.schema import TableName


def _subclasses(cls: type[FastseedError]) -> set[type[FastseedError]]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


def test_every_error_class_pickles_with_its_fields() -> None:
    # import every module first, so private subclasses (fastseed.dask_runner._Aborted) count
    for info in pkgutil.walk_packages(fastseed.__path__, "fastseed."):
        if info.name.endswith("__main__"):  # runs the CLI
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue
    classes = _subclasses(FastseedError) | {FastseedError}
    assert TriggerRejected in classes and len(classes) >= 10
    for cls in classes:
        error = cls.__new__(cls)
        if cls is TriggerRejected or issubclass(cls, TriggerRejected):
            error.__init__("rejected", TableName("s", "t"), ["f1", "f2"])  # type: ignore[misc]
        else:
            error.__init__(f"{cls.__name__} failed")
        error.code = "23503"
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is cls
        assert str(back) == str(error) and back.args == error.args
        assert back.code == "23503" and back.exit_code == cls.exit_code
        assert vars(back) == vars(error)


def test_trigger_rejected_keeps_table_and_functions() -> None:
    error = TriggerRejected("no", TableName("public", "orders"), ["check_total"])
    back = pickle.loads(pickle.dumps(error))
    assert back.table == TableName("public", "orders") and back.functions == ("check_total",)
    assert isinstance(back, LoadError) and back.code is None
