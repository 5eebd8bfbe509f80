#!/usr/bin/env bash
# One run on a machine with an NVIDIA GPU, for the README's GPU section (issue 11, point 6):
# the CUDA tests on the real device, then benchmarks/gpu.py's table.
#
#   bash benchmarks/gpu_session.sh DATA_DIR [PYTHON]
#
# DATA_DIR holds mnist/ (the IDX files, as $MINIGRAD_DATA does); PYTHON defaults to python3. The
# machine's own numpy, numba and numba-cuda are used and nothing is installed: minigrad is put on
# PYTHONPATH as the installed package is laid out (minigrad/ with kernels/ as minigrad.kernels). The kernels compile on first use, about 600 signatures: the tests run
# in parallel processes (pytest-xdist, when installed) to spread that over the cores.
set -uo pipefail
data=$(cd "${1:?usage: gpu_session.sh DATA_DIR [PYTHON]}" && pwd)
python=${2:-python3}
cd "$(dirname "$0")/.."

site=$(mktemp -d)
mkdir "$site/minigrad"
ln -s "$PWD"/minigrad/* "$site/minigrad/"
ln -s "$PWD/kernels" "$site/minigrad/kernels"
export PYTHONPATH="$site"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
"$python" -c "import numpy, numba, numba_cuda; print('numpy', numpy.__version__, 'numba', numba.__version__, \
'numba-cuda', numba_cuda.__version__)"

parallel=()
"$python" -c "import xdist" 2>/dev/null && parallel=(-n "$(nproc)")
echo "== tests/cuda on the GPU"
NUMBA_ENABLE_CUDASIM=0 "$python" -m pytest tests/cuda -q -p no:warnings -p no:cacheprovider "${parallel[@]}"
tests=$?

echo "== the README's GPU table"
NUMBA_ENABLE_CUDASIM=0 MINIGRAD_DATA="$data" "$python" benchmarks/gpu.py --epoch
table=$?
exit $((tests || table))
