#!/usr/bin/env bash
# Opens JupyterLab from .venv on the workbook, with the tslab kernel registered there.
# Extra arguments go to jupyter lab (e.g. npm run lab -- --no-browser --port 8890).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
# JupyterLab refuses to run as root (containers, CI machines) unless told to.
root_flag=(); [ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec .venv/bin/jupyter lab "${root_flag[@]}" notebooks/pretrained-transfer.ipynb "$@"
