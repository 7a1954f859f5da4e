"""Start-up time of salesflow against a bare ``import typer``, measured in the same run.

Builds its own data (a temp home with the sample team), then times whole processes:
``salesflow --help``, ``salesflow user list`` and ``python -c "import typer"``, plus
``python -c pass`` for scale and a one-command Typer app's rich ``--help`` as the floor any
Typer CLI pays. The cases are interleaved so machine noise hits all of them alike, after a
warm-up run that writes the compiled bytecode (as any second run on a person's machine
would find it). Prints the median of each and the ratios. Target: ``--help`` at most 2.5x
``import typer``.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_HELP_RATIO = 2.5

# The floor any Typer CLI with rich help pays: one command, nothing of ours imported.
BARE_APP = """
import typer
app = typer.Typer(help="bare")
@app.command(help="one command")
def one(name: str = typer.Option("x", help="a name")) -> None: ...
app()
"""


def salesflow_command() -> list[str]:
    script = Path(sys.executable).parent / "salesflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")

    salesflow = salesflow_command()
    with tempfile.TemporaryDirectory(prefix="salesflow-bench-") as home:
        bare = Path(home) / "bare_typer_app.py"
        bare.write_text(BARE_APP)
        env = {**os.environ, "SALESFLOW_HOME": home, "NO_COLOR": "1"}
        env.pop("SALESFLOW_DB_URL", None)
        env.pop("SALESFLOW_USER", None)
        # As people run it: compiled .pyc files are written on the warm-up run and then
        # reused (this workplace sets PYTHONDONTWRITEBYTECODE, which would make every run
        # recompile salesflow's own source while typer's wheel came precompiled).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*salesflow, "init", "--sample"], env=env, check=True, stderr=subprocess.DEVNULL
        )
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "bare typer app --help": [sys.executable, str(bare), "--help"],
            "salesflow --help": [*salesflow, "--help"],
            "salesflow user list": [*salesflow, "user", "list"],
        }
        for command in cases.values():  # warm the file cache and .pyc files
            timed(command, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, command in cases.items():
                samples[name].append(timed(command, env))

    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = medians["python -c 'import typer'"]
    print(f"runs: {args.runs} each, interleaved")
    for name, value in medians.items():
        print(f"{name}: median {value * 1000:.1f} ms, {value / baseline:.2f}x import typer")
    help_ratio = medians["salesflow --help"] / baseline
    verdict = "ok" if help_ratio <= TARGET_HELP_RATIO else "over target"
    print(
        f"salesflow --help / import typer: {help_ratio:.2f} (target <= {TARGET_HELP_RATIO}): "
        f"{verdict}"
    )
    return 0 if help_ratio <= TARGET_HELP_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
