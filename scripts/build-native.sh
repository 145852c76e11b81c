#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node's binding from source against the TensorFlow C library that ships
# inside the tensorflow-cpu wheel in .venv. Why: the package's own install script downloads
# libtensorflow from Google storage, which is unreachable here and answers 403 upstream
# (tensorflow/tfjs#8742). Exit 0 with one line when the build cannot happen: the engine ladder
# then falls back to wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=node_modules/@tensorflow/tfjs-node
napi=8   # highest N-API version tfjs-node 4.22 lists; node-pre-gyp looks for lib/napi-v8
binding="$pkg/lib/napi-v$napi/tfjs_binding.node"

say() { echo "setup: native engine: $*"; }

if [ ! -f "$pkg/binding.gyp" ]; then say "skipped, $pkg is not installed"; exit 0; fi
if ! command -v g++ >/dev/null || ! command -v make >/dev/null; then
  say "skipped, no C++ compiler (g++/make); the wasm engine will be used"; exit 0
fi
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null || true)
tf="$site/tensorflow"
if [ -z "$site" ] || [ ! -f "$tf/libtensorflow_cc.so.2" ] || [ ! -d "$tf/include/tensorflow/c" ]; then
  say "skipped, no tensorflow-cpu wheel in .venv (pip install -r requirements.txt); the wasm engine will be used"
  exit 0
fi

# Lay the wheel's library out the way binding.gyp expects libtensorflow (deps/include, deps/lib).
# The binding's rpath is $ORIGIN/../../deps/lib, so these links resolve without LD_LIBRARY_PATH.
mkdir -p "$pkg/deps/lib"
ln -sfn "$tf/include" "$pkg/deps/include"
for name in libtensorflow.so libtensorflow.so.2 libtensorflow_cc.so.2; do
  ln -sfn "$tf/libtensorflow_cc.so.2" "$pkg/deps/lib/$name"
done
for name in libtensorflow_framework.so libtensorflow_framework.so.2; do
  ln -sfn "$tf/libtensorflow_framework.so.2" "$pkg/deps/lib/$name"
done

node_gyp=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
[ -f "$node_gyp" ] || node_gyp=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js
# Node's headers: the machine's npm names a local nodedir (node-gyp would otherwise download them).
nodedir=$(npm config get nodedir 2>/dev/null || true)
case "$nodedir" in ""|undefined|null) nodedir_arg=() ;; *) nodedir_arg=(--nodedir="$nodedir") ;; esac
mkdir -p "$(dirname "$binding")"
log=$(mktemp)
start=$SECONDS
if (cd "$pkg" && CXXFLAGS="-I$tf/include/xla -I$tf/include/tsl -w" node "$node_gyp" rebuild "${nodedir_arg[@]}" \
      --module_name=tfjs_binding --module_path="lib/napi-v$napi" --napi_build_version=$napi) >"$log" 2>&1; then
  cp "$pkg/build/Release/tfjs_binding.node" "$binding.tmp" && mv "$binding.tmp" "$binding"
  rm -rf "$pkg/build"   # object files only
  say "built $binding in $((SECONDS - start)) s against TensorFlow $(basename "$(dirname "$tf")")/tensorflow $(sed -n 's/^Version: //p' "$site"/tensorflow_cpu-*.dist-info/METADATA)"
else
  say "build failed (log: $log); the wasm engine will be used"; tail -5 "$log" | sed 's/^/  /'
fi
