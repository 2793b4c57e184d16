"""Files nobody meant to give the CLI get one clear error line and a non-zero exit, never
a traceback: a binary file or a Latin-1 export as the responses table, a condition
nested thousands of parentheses deep."""

from __future__ import annotations

import random
from pathlib import Path

from tests.helpers import REPO_ROOT, run_cli

HEADER = "participant_id,wave,item_id,value\n"


def _evaluate(responses: Path) -> tuple[int, str]:
    result = run_cli(
        "evaluate", "--instrument", "pilot-core", "--responses", str(responses), "--quiet"
    )
    return result.returncode, result.stderr


def test_binary_file_as_responses_is_one_error_line(tmp_path: Path) -> None:
    binary = tmp_path / "responses.csv"
    binary.write_bytes(random.Random(14).randbytes(3000))
    code, stderr = _evaluate(binary)
    assert code != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.strip().splitlines() == [
        f"error: {binary}: line 1: not UTF-8 text; save the table as CSV UTF-8"
    ]


def test_latin1_export_is_one_error_line_with_its_line(tmp_path: Path) -> None:
    latin = tmp_path / "responses.csv"
    latin.write_bytes((HEADER + "p1,pre,work_1,café\n").encode("latin-1"))
    code, stderr = _evaluate(latin)
    assert code != 0
    assert stderr.strip().splitlines() == [
        f"error: {latin}: line 2: not UTF-8 text; save the table as CSV UTF-8"
    ]


def test_latin1_bad_row_far_into_the_file_is_one_error_line(tmp_path: Path) -> None:
    late = tmp_path / "responses.csv"
    rows = "".join(f"p{n},pre,work_1,3\n" for n in range(10_000))
    late.write_bytes((HEADER + rows + "p9,pre,work_1,café,extra\n").encode("latin-1"))
    code, stderr = _evaluate(late)
    assert code != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.strip().splitlines() == [
        f"error: {late}: not UTF-8 text; save the table as CSV UTF-8"
    ]


def test_deeply_nested_condition_gets_the_parsers_positioned_error(tmp_path: Path) -> None:
    source = (REPO_ROOT / "tests" / "server" / "data" / "all-types.yaml").read_text("utf-8")
    deep = "(" * 5000 + "${uses_tool} = 'yes'" + ")" * 5000
    nested = tmp_path / "nested.yaml"
    nested.write_text(
        source.replace("relevant: \"${uses_tool} = 'yes'\"", f'relevant: "{deep}"'), "utf-8"
    )
    assert deep in nested.read_text("utf-8")
    result = run_cli("instruments", "validate", str(nested))
    assert result.returncode != 0
    assert "RecursionError" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert "at position 51: conditions nest at most 50 parentheses deep" in (
        result.stderr + result.stdout
    )
