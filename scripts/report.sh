#!/usr/bin/env bash
# Executes notebooks/pretrained-transfer.ipynb headless with the tslab kernel from .venv and writes
# reports/pretrained-transfer.ipynb (executed) and reports/pretrained-transfer.html
# (TL_REPORT_DIR names another folder; the notebook's TL_* settings pass through).
# Both are written under temporary names and renamed only when the whole run succeeded.
# The HTML merges consecutive stream outputs and applies \r, so a progress bar shows as its final
# line, as JupyterLab shows it; the executed notebook keeps the raw outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
name=pretrained-transfer
out=${TL_REPORT_DIR:-reports}
mkdir -p "$out"
tmp=$(mktemp -d "$out/.run-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The kernel runs with the notebook's folder as working directory; the TensorFlow library's
# informational logging would otherwise land in cell outputs.
export TF_CPP_MIN_LOG_LEVEL=2
.venv/bin/jupyter nbconvert --to notebook --execute "notebooks/$name.ipynb" \
  --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=-1 \
  --output-dir "$tmp" --output "$name.ipynb" --log-level=WARN
.venv/bin/jupyter nbconvert --to html "$tmp/$name.ipynb" --output-dir "$tmp" --output "$name.html" --log-level=WARN \
  --TemplateExporter.extra_template_basedirs=templates --template offline \
  --HTMLExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]'
mv "$tmp/$name.ipynb" "$out/$name.ipynb"
mv "$tmp/$name.html" "$out/$name.html"
echo "report: $out/$name.html (executed notebook: $out/$name.ipynb)"
