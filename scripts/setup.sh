#!/usr/bin/env bash
# One idempotent setup, run by `npm test`, `npm run report` and `npm run lab` before they start.
# It installs, in this folder only:
#   node_modules/  from package-lock.json, with dependency install scripts off (see below)
#   .venv/         Python side from requirements.txt (JupyterLab, nbconvert, tensorflow-cpu)
#   the tslab kernel, registered inside .venv (--sys-prefix), never in the user's Jupyter
#   the native engine: @tensorflow/tfjs-node's binding compiled against .venv's TensorFlow
# Each step records a stamp of its inputs, so a second run does nothing and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
step() { echo "setup: $*"; }

# 1. Node packages. --ignore-scripts: @tensorflow/tfjs-node's install script downloads libtensorflow
# from Google storage (unreachable here, 403 upstream); no other dependency needs its script
# (zeromq ships prebuilt binaries, core-js's only prints an advert).
npm_stamp=$(stamp_of package.json package-lock.json)
if [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$npm_stamp" ]; then
  step "installing Node packages from package-lock.json"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$npm_stamp" > node_modules/.setup-stamp
fi

# 2. Python packages in a project-local virtual environment. --retries 0: a name missing from the
# local index would otherwise make pip retry a remote index for minutes.
pip_stamp=$(stamp_of requirements.txt)
if [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$pip_stamp" ]; then
  step "installing Python packages into .venv from requirements.txt"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # This machine's pip config names a second local index that lacks most folders; its
  # "Location … is ignored" warnings say nothing about the install, so they are dropped.
  .venv/bin/pip install --retries 0 --disable-pip-version-check -q -r requirements.txt 2>&1 |
    { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  echo "$pip_stamp" > .venv/.setup-stamp
fi

# 3. The tslab kernel, inside .venv. Its argv names this checkout's tslab by absolute path, so a
# moved checkout re-registers.
tslab="$PWD/node_modules/.bin/tslab"
spec=.venv/share/jupyter/kernels/tslab/kernel.json
if ! grep -qF "\"$tslab\"" "$spec" 2>/dev/null; then
  step "registering the tslab kernel in .venv"
  "$tslab" install --python="$PWD/.venv/bin/python" --binary="$tslab" --sys-prefix >/dev/null
fi

# 4. The native engine (skipped with one line where it cannot be built).
binding=node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node
native_stamp=$(stamp_of package-lock.json requirements.txt scripts/build-native.sh)
if [ ! -f "$binding" ] || [ "$(cat "$binding.stamp" 2>/dev/null)" != "$native_stamp" ]; then
  bash scripts/build-native.sh
  [ -f "$binding" ] && echo "$native_stamp" > "$binding.stamp"
fi
exit 0
