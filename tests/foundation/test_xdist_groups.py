"""The suite's heavy module fixtures (a whole demo load) are built once per module only if pytest-xdist's
`--dist loadgroup` keeps a group's tests on one worker. pytest 9.2 broke that for xdist 3.8 (the group suffix
is no longer applied to the node ids), which doubled every demo load of `make test`; requirements-dev.txt pins
a pytest that works, and this test fails if an upgrade breaks it again."""

import subprocess
import sys
import textwrap


def test_a_groups_tests_run_on_one_worker_with_one_module_fixture(tmp_path):
    log = tmp_path / "setups.log"
    (tmp_path / "test_grouped.py").write_text(textwrap.dedent(f"""
        import os
        import pytest

        pytestmark = [pytest.mark.xdist_group("heavy")]

        @pytest.fixture(scope="module")
        def heavy():
            with open({str(log)!r}, "a") as handle:
                handle.write(f"setup {{os.getpid()}}\\n")

        @pytest.mark.parametrize("n", range(6))
        def test_param(heavy, n):
            with open({str(log)!r}, "a") as handle:
                handle.write(f"run {{os.getpid()}}\\n")

        def test_plain(heavy):
            pass
    """))
    for n in range(8):
        (tmp_path / f"test_light_{n}.py").write_text("def test_light():\n    pass\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django",
                             "-n", "2", "--dist", "loadgroup", "-c", "/dev/null", "--rootdir", str(tmp_path),
                             str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = log.read_text().splitlines()
    setups = [line for line in lines if line.startswith("setup")]
    workers = {line.split()[1] for line in lines}
    assert len(setups) == 1 and len(workers) == 1, lines
