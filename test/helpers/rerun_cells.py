"""Runs the workbook in one tslab kernel (nbclient, the same kernel spec JupyterLab uses): all cells
once, as restart-and-run-all does, then every code cell again five times in order, probing the
engine's live tensor count and the kernel's RSS after each round. Prints one JSON line."""
import json
import sys

import nbformat
from nbclient import NotebookClient

PROBE = "console.log('PROBE ' + JSON.stringify(tl.memoryProbe()))"


def main(path: str, workdir: str, rounds: int) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="tslab", timeout=900, allow_errors=False,
                            resources={"metadata": {"path": workdir}})
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    probe = nbformat.v4.new_code_cell(PROBE)
    nb.cells.append(probe)  # nbclient stores each executed cell back at its index

    def measure() -> dict:
        probe.outputs = []
        client.execute_cell(probe, len(nb.cells) - 1)
        text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
        return json.loads(text.split("PROBE ", 1)[1].splitlines()[0])

    with client.setup_kernel():
        for i, cell in code:
            client.execute_cell(cell, i)
        probes = [measure()]
        for _ in range(rounds):
            for i, cell in code:
                client.execute_cell(cell, i)
            probes.append(measure())
    print(json.dumps({"probes": probes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
