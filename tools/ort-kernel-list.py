"""Prints the kernels an onnxruntime Python build registers, in the packed form src/runtime/graph/ keeps.

Run with the onnxruntime wheel of the version the project pins (only the CPU provider is in the CPU wheel):
    python tools/ort-kernel-list.py CPUExecutionProvider
Each line: a domain, then `Op:ranges` words; a range is `from-to`, or `from+` when it is open.
"""
import sys
from collections import defaultdict

import onnxruntime
import onnxruntime.capi.onnxruntime_pybind11_state as state

provider = sys.argv[1] if len(sys.argv) > 1 else "CPUExecutionProvider"
ops = defaultdict(lambda: defaultdict(set))
for k in state.get_all_opkernel_def():
    if k.provider != provider:
        continue
    lo, hi = k.version_range
    ops[k.domain or "ai.onnx"][k.op_name].add(f"{lo}+" if hi >= 2**31 - 1 else (f"{lo}" if lo == hi else f"{lo}-{hi}"))

print(f"# {provider}, onnxruntime {onnxruntime.__version__}")
for domain in sorted(ops):
    words = []
    for op in sorted(ops[domain]):
        ranges = sorted(ops[domain][op], key=lambda r: int(r.split("-")[0].rstrip("+")))
        words.append(f"{op}:{','.join(ranges)}")
    line = domain
    for w in words:
        if len(line) + 1 + len(w) > 110:
            print(line)
            line = domain
        line += " " + w
    print(line)
