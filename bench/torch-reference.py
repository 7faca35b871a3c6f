"""PyTorch CUDA eager reference for the GPU bench: the very graphs the bench timed, run op by op in PyTorch.

    npx tsx bench/gpu-run.ts --device webgpu --only graphs --save-graphs /tmp/graphs
    python3 bench/torch-reference.py /tmp/graphs/graphs.json [--match REGEX] [--runs 30] [--pipelined-seconds 1]

Each ONNX node becomes the matching torch call on the GPU (eager: one kernel launch or a few per node, as a
hand-written nn.Module would issue them), so the ratio against onnxruntime's WebGPU provider compares runtimes on
the same work. Two timings per graph, as the bench takes them: with host I/O (feeds uploaded, outputs copied to the
host, every run; median and p90 by nearest rank, as bench/stats.ts takes them) and kept on the GPU (feeds uploaded
once, runs back to back for at least --pipelined-seconds, one synchronise at the end).
Needs torch and the onnx package; without a CUDA device it runs the same eager on the CPU (a check of the
interpreter, not a reference figure). Not part of `npm test`.
"""

import argparse
import json
import math
import re
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper

DTYPES = {1: torch.float32, 2: torch.uint8, 6: torch.int32, 7: torch.int64, 10: torch.float16, 9: torch.bool}
NP_TYPES = {"float": np.float32, "float32": np.float32, "float16": np.float16, "int64": np.int64, "int32": np.int32, "uint8": np.uint8}


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def ints(t):
    return [int(v) for v in t.tolist()]


def reshape(x, shape):
    dims = [x.shape[i] if d == 0 else d for i, d in enumerate(ints(shape))]
    return x.reshape(dims)


def resize(x, a, roi=None, scales=None, sizes=None):
    mode = a.get("mode", b"nearest").decode()
    torch_mode = {"nearest": "nearest", "linear": "bilinear" if x.dim() == 4 else "linear"}[mode]
    extra = {} if mode == "nearest" else {"align_corners": False}
    if sizes is not None and sizes.numel() > 0:
        out = ints(sizes)
        if out[:2] != list(x.shape[:2]):
            raise ValueError("Resize over the batch or channel axes")
        return F.interpolate(x, size=tuple(out[2:]), mode=torch_mode, **extra)
    s = [float(v) for v in scales.tolist()]
    if s[:2] != [1.0, 1.0]:
        raise ValueError("Resize over the batch or channel axes")
    return F.interpolate(x, scale_factor=tuple(s[2:]), mode=torch_mode, **extra)


def conv(a, x, w, b=None):
    pads = a.get("pads", [0, 0, 0, 0])
    if pads[: len(pads) // 2] != pads[len(pads) // 2 :]:
        raise ValueError("asymmetric Conv pads")
    return F.conv2d(
        x,
        w,
        b,
        stride=tuple(a.get("strides", [1, 1])),
        padding=tuple(pads[: len(pads) // 2]),
        dilation=tuple(a.get("dilations", [1, 1])),
        groups=a.get("group", 1),
    )


def slice_(x, starts, ends, axes=None, steps=None):
    index = [slice(None)] * x.dim()
    axes = ints(axes) if axes is not None else list(range(len(starts)))
    steps = ints(steps) if steps is not None else [1] * len(axes)
    for s, e, ax, st in zip(ints(starts), ints(ends), axes, steps):
        index[ax] = slice(s, min(e, x.shape[ax]), st)
    return x[tuple(index)]


def pad(x, pads, value=None, a=None):
    p = ints(pads)
    n = len(p) // 2
    torch_pads = []
    for i in reversed(range(n)):
        torch_pads += [p[i], p[i + n]]
    mode = (a or {}).get("mode", b"constant").decode()
    fill = float(value.item()) if value is not None and value.numel() else 0.0
    return F.pad(x, torch_pads, mode=mode, value=fill) if mode == "constant" else F.pad(x, torch_pads, mode=mode)


def run_node(op, a, xs, n_out):
    if op in ("Add", "Sub", "Mul", "Div", "Pow"):
        return getattr(torch, {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Pow": "pow"}[op])(*xs)
    unary = {
        "Abs": torch.abs,
        "Neg": torch.neg,
        "Floor": torch.floor,
        "Cos": torch.cos,
        "Sin": torch.sin,
        "Exp": torch.exp,
        "Tanh": torch.tanh,
        "Sigmoid": torch.sigmoid,
        "Erf": torch.erf,
        "Relu": torch.relu,
        "Sqrt": torch.sqrt,
    }
    if op in unary:
        return unary[op](xs[0])
    if op == "Identity":
        return xs[0]
    if op == "MatMul":
        return torch.matmul(*xs)
    if op == "Gemm":
        y = xs[0] @ (xs[1].t() if a.get("transB", 0) else xs[1])
        return y + xs[2] if len(xs) > 2 else y
    if op == "Conv":
        return conv(a, *xs)
    if op == "Clip":
        lo = xs[1] if len(xs) > 1 and xs[1] is not None else None
        hi = xs[2] if len(xs) > 2 and xs[2] is not None else None
        return torch.clamp(xs[0], lo, hi)
    if op == "Concat":
        return torch.cat(xs, dim=a["axis"])
    if op == "Split":
        sizes = ints(xs[1]) if len(xs) > 1 and xs[1] is not None else None
        axis = a.get("axis", 0)
        if sizes is None:
            sizes = [xs[0].shape[axis] // n_out] * n_out
        return list(torch.split(xs[0], sizes, dim=axis))
    if op == "Reshape":
        return reshape(xs[0], xs[1])
    if op == "Flatten":
        axis = a.get("axis", 1)
        return xs[0].reshape(int(np.prod(xs[0].shape[:axis])), -1)
    if op == "Transpose":
        return xs[0].permute(*a["perm"])
    if op == "Cast":
        return xs[0].to(DTYPES[a["to"]])
    if op == "Resize":
        return resize(xs[0], a, *xs[1:])
    if op == "InstanceNormalization":
        return F.instance_norm(xs[0], weight=xs[1], bias=xs[2], eps=a.get("epsilon", 1e-5))
    if op == "LayerNormalization":
        axis = a.get("axis", -1)
        shape = tuple(xs[0].shape[axis:])
        return F.layer_norm(xs[0], shape, xs[1], xs[2] if len(xs) > 2 else None, a.get("epsilon", 1e-5))
    if op == "Softmax":
        return torch.softmax(xs[0], dim=a.get("axis", -1))
    if op == "Slice":
        return slice_(*xs)
    if op == "Gather":
        axis = a.get("axis", 0)
        return torch.index_select(xs[0], axis, xs[1].reshape(-1)).reshape(
            *xs[0].shape[:axis], *xs[1].shape, *xs[0].shape[axis + 1 :]
        )
    if op == "Pad":
        return pad(xs[0], xs[1], xs[2] if len(xs) > 2 else None, a)
    if op == "MaxPool":
        pads = a.get("pads", [0, 0, 0, 0])
        return F.max_pool2d(xs[0], tuple(a["kernel_shape"]), tuple(a.get("strides", [1, 1])), tuple(pads[:2]))
    if op == "GlobalAveragePool":
        return xs[0].mean(dim=(2, 3), keepdim=True)
    if op == "Constant":
        return numpy_to_torch(numpy_helper.to_array(a["value"]))
    raise NotImplementedError(f"no torch equivalent written for {op}")


DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def numpy_to_torch(arr):
    return torch.from_numpy(np.ascontiguousarray(arr)).to(DEVICE)


def synchronize():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


class Graph:
    """An ONNX graph turned into a list of steps over a dict of torch tensors on the GPU."""

    def __init__(self, path):
        model = onnx.load(path)
        self.consts = {i.name: numpy_to_torch(numpy_helper.to_array(i)) for i in model.graph.initializer}
        self.nodes = [(n.op_type, attrs(n), list(n.input), list(n.output)) for n in model.graph.node]
        self.outputs = [o.name for o in model.graph.output]

    @torch.inference_mode()
    def run(self, feeds):
        values = dict(self.consts)
        values.update(feeds)
        for op, a, ins, outs in self.nodes:
            xs = [values[i] if i else None for i in ins]
            y = run_node(op, a, xs, len(outs))
            if isinstance(y, list):
                values.update(zip(outs, y))
            else:
                values[outs[0]] = y
        return [values[o] for o in self.outputs]


def load_feeds(spec):
    feeds = {}
    for name, f in spec.items():
        arr = np.fromfile(f["file"], dtype=NP_TYPES[f["type"]]).reshape(f["dims"]).copy()
        feeds[name] = arr
    return feeds


def percentile(values, q):
    """Nearest-rank percentile (q in 0..1), the index bench/stats.ts `percentile` takes, so both columns agree."""
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, math.ceil(q * len(ranked)) - 1))]


def time_graph(graph, host_feeds, runs, seconds, pipelined_seconds):
    def host_run():
        gpu = {k: numpy_to_torch(v) for k, v in host_feeds.items()}
        return [o.cpu() for o in graph.run(gpu)]

    for _ in range(3):
        host_run()
    latencies = []
    until = time.perf_counter() + seconds
    while len(latencies) < runs and (not latencies or time.perf_counter() < until):
        t = time.perf_counter()
        host_run()
        latencies.append((time.perf_counter() - t) * 1000)

    gpu = {k: numpy_to_torch(v) for k, v in host_feeds.items()}
    graph.run(gpu)
    synchronize()
    # Issued for at least pipelined_seconds (and 3 runs), as bench/gpu-graphs.ts does: a short window of a 2 ms
    # graph reads several times slower than a long one.
    t = time.perf_counter()
    count = 0
    while count < 3 or time.perf_counter() - t < pipelined_seconds:
        graph.run(gpu)
        count += 1
    synchronize()
    kept = (time.perf_counter() - t) * 1000 / count
    return percentile(latencies, 0.5), percentile(latencies, 0.9), kept


def main():
    p = argparse.ArgumentParser()
    p.add_argument("index")
    p.add_argument("--match", default=".")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--pipelined-seconds", type=float, default=1, help="the kept-on-the-GPU window, at least 3 runs")
    p.add_argument("--dump", help="folder to write each graph's first output to, raw, for a comparison")
    o = p.parse_args()
    where = f"CUDA eager, {torch.cuda.get_device_name(0)}" if DEVICE == "cuda" else "eager on the CPU (no CUDA device)"
    print(f"PyTorch {torch.__version__} {where}; the bench's own graphs, op by op")
    for case in json.load(open(o.index)):
        if not re.search(o.match, case["name"]):
            continue
        try:
            graph = Graph(case["model"])
            feeds = load_feeds(case["feeds"])
            if o.dump:
                out = graph.run({k: numpy_to_torch(v) for k, v in feeds.items()})[0]
                out.cpu().numpy().tofile(f"{o.dump}/{re.sub('[^a-z0-9]+', '-', case['name'].lower())}.bin")
            med, p90, kept = time_graph(graph, feeds, o.runs, o.seconds, o.pipelined_seconds)
            print(f"  {case['name']}: with host I/O {med:.2f} / {p90:.2f} ms (median / p90); kept on the GPU {kept:.2f} ms")
        except Exception as err:  # one graph the interpreter cannot run does not stop the others
            print(f"  {case['name']}: not run ({type(err).__name__}: {err})")
        sys.stdout.flush()
        if DEVICE == "cuda":
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
