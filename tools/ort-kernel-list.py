"""Prints the kernels an onnxruntime Python build registers, in the packed form src/runtime/graph/ keeps.

Run with the onnxruntime wheel of the version the project pins (only the CPU provider is in the CPU wheel):
    python tools/ort-kernel-list.py CPUExecutionProvider
Each line: a domain, then `Op:ranges@types` words; a range is `from-to`, or `from+` when it is open. The types are
the tensor element types the registered kernels take for the op's input 0 (the kernel defs' type constraint for the
type parameter that input 0 has in the op's schema), as one union per opset range; ranges with the same types share
a word. No `@` where the kernels do not constrain input 0 (or its schema could not be found).
"""
import sys
from collections import defaultdict

import onnxruntime
import onnxruntime.capi.onnxruntime_pybind11_state as state

# onnxruntime's names of tensor element types -> the packed form's words (src/runtime/graph/kernel-table.ts).
WORDS = {
    "float": "f32", "float16": "f16", "bfloat16": "bf16", "double": "f64",
    "int2": "i2", "int4": "i4", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint2": "u2", "uint4": "u4", "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "bool": "bool", "string": "str",
    "float8e4m3fn": "fp8", "float8e4m3fnuz": "fp8uz", "float8e5m2": "fp8e5", "float8e5m2fnuz": "fp8e5uz",
    "float8e8m0": "fp8e8", "float4e2m1": "f4", "complex64": "c64", "complex128": "c128",
}
ORDER = list(WORDS.values())

provider = sys.argv[1] if len(sys.argv) > 1 else "CPUExecutionProvider"

schemas = defaultdict(list)
for s in state.get_all_operator_schema():
    schemas[(s.domain, s.name)].append(s)


def input0_types(domain, op, since, constraints):
    """The element types a kernel def takes for input 0, or None where it does not constrain them."""
    candidates = [s for s in schemas.get((domain, op), []) if s.since_version <= since]
    if not candidates or not constraints:
        return None
    schema = max(candidates, key=lambda s: s.since_version)
    if not schema.inputs:
        return None
    param = schema.inputs[0].typeStr
    listed = constraints.get(param)
    if listed is None:
        return None
    # Sequence, optional and map types have no element type the check can compare: keep tensors only.
    tensors = [t[len("tensor("):-1] for t in listed if t.startswith("tensor(")]
    if not tensors:
        return None
    unknown = [t for t in tensors if t not in WORDS]
    if unknown:
        raise SystemExit(f"{domain} {op}: element types with no packed word: {unknown}")
    return {WORDS[t] for t in tensors}


def range_word(lo, hi):
    return f"{lo}+" if hi >= 2**31 - 1 else (f"{lo}" if lo == hi else f"{lo}-{hi}")


# domain -> op -> (lo, hi) -> union of input 0 types (None once any registration leaves them open)
ops = defaultdict(lambda: defaultdict(dict))
for k in state.get_all_opkernel_def():
    if k.provider != provider:
        continue
    lo, hi = k.version_range
    domain = k.domain or "ai.onnx"
    types = input0_types(k.domain, k.op_name, lo, k.type_constraints)
    ranges = ops[domain][k.op_name]
    if (lo, hi) in ranges and ranges[(lo, hi)] is None:
        continue
    ranges[(lo, hi)] = None if types is None else (ranges.get((lo, hi)) or set()) | types


def op_words(op, ranges):
    """One word per distinct type set, its ranges in order."""
    groups = {}
    for (lo, hi), types in sorted(ranges.items()):
        key = None if types is None else tuple(t for t in ORDER if t in types)
        groups.setdefault(key, []).append(range_word(lo, hi))
    return [f"{op}:{','.join(r)}" + ("" if key is None else "@" + ",".join(key)) for key, r in groups.items()]


print(f"# {provider}, onnxruntime {onnxruntime.__version__}")
for domain in sorted(ops):
    words = [w for op in sorted(ops[domain]) for w in op_words(op, ops[domain][op])]
    line = domain
    for w in words:
        if len(line) + 1 + len(w) > 110 and line != domain:
            print(line)
            line = domain
        line += " " + w
    print(line)
