"""``warehouse-dbt``: dbt's command line on the project parsed once (orchestration.dbt_cli), which
the Dagster assets run for each build instead of letting dbt parse the project again."""

import json
import subprocess

from conftest import ROOT, warehouse_dbt_command

from orchestration import dbt_cli


def test_warehouse_dbt_lists_the_models_without_parsing_the_project(tmp_path):
    """dbt begins every parse, full or partial, by logging the event StateCheckVarsHash;
    warehouse-dbt in a new target folder, where dbt itself would parse in full, lists the
    project's models without one."""
    proc = subprocess.run(
        warehouse_dbt_command(
            "ls",
            "--resource-type",
            "model",
            "--output",
            "name",
            "--log-format-file",
            "json",
            "--quiet",
            target=tmp_path,
        ),
        cwd=ROOT / "dbt_project",
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    models = set(proc.stdout.split())
    assert {"stg_cells", "mart_udgift_pr_patient", "mart_udvikling_19_23"} <= models
    said = {json.loads(ln)["info"]["name"] for ln in (tmp_path / "dbt.log").read_text(encoding="utf-8").splitlines()}
    assert "CommandCompleted" in said and "StateCheckVarsHash" not in said


def test_a_command_for_another_project_or_with_vars_is_dbts_own(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROJECT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert dbt_cli._project_dir(["build"]) == tmp_path.resolve()
    assert dbt_cli._project_dir(["build", "--project-dir", str(dbt_cli.DBT_DIR)]) == dbt_cli.DBT_DIR.resolve()
    monkeypatch.setenv("DBT_PROJECT_DIR", str(dbt_cli.DBT_DIR))
    assert dbt_cli._project_dir(["build"]) == dbt_cli.DBT_DIR.resolve()
