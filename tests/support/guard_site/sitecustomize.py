"""Arms tests/support/model_guard.py in a child Python started by a test not marked slow/llm (this
folder is on its PYTHONPATH only then; see tests/conftest.py). Loaded by file path: the child's
sys.path is left as it is."""

import os

if os.environ.get("TESTS_MODEL_GUARD_REPORT"):
    import importlib.util
    import sys
    from pathlib import Path

    _spec = importlib.util.spec_from_file_location("_tests_model_guard", Path(__file__).parents[1] / "model_guard.py")
    if _spec is not None and _spec.loader is not None:
        _guard = importlib.util.module_from_spec(_spec)
        sys.modules[_spec.name] = _guard
        _spec.loader.exec_module(_guard)
        _guard.install()
