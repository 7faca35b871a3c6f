"""Measures what a float16 graph costs on onnxruntime's CPU provider against the same graph in float32.

onnxruntime's CPU provider has few float16 kernels (Conv, MatMul, Add, InstanceNormalization... take float32 only;
tools/ort-kernel-list.py lists them), so at session creation it puts Casts to float32 around those nodes. This builds
a UNet-like block (GroupNorm as Reshape + InstanceNormalization, SiLU, 3x3 convolutions, self-attention as
MatMul/Softmax, a GEGLU feed-forward; C=64 at 32x32, two blocks) three ways and times them alternately, one thread:
  f32        the float32 graph
  f16        the float16 graph, as a float16 export is opened
  f16->f32   the float32 graph behind a Cast of its float16 input and before a Cast of its output: what converting
             the whole graph to float32 at load would give
and prints the median time of each and how many Cast nodes onnxruntime's optimized graph keeps.
Run with the onnxruntime wheel the project pins:  python tools/fp16-cpu-bench.py [rounds]
"""
import os
import statistics
import sys
import tempfile
import time
from collections import Counter

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

C,H,G,HEADS=64,32,8,4
def build(npdt, dt):
    rng=np.random.default_rng(0); nodes=[]; inits=[]; k=[0]
    def W(shape,scale=0.05):
        n=f'w{len(inits)}'; inits.append(nh.from_array((rng.standard_normal(shape)*scale).astype(npdt),n)); return n
    def I(arr): n=f'i{len(inits)}'; inits.append(nh.from_array(arr,n)); return n
    def op(t,ins,**a):
        k[0]+=1; o=f'v{k[0]}'; nodes.append(h.make_node(t,ins,[o],**a)); return o
    def gn(x):
        r=op('Reshape',[x,I(np.array([1,G,-1,H],np.int64))])
        n=op('InstanceNormalization',[r,I(np.ones(G,npdt)),I(np.zeros(G,npdt))])
        r=op('Reshape',[n,I(np.array([1,C,H,H],np.int64))])
        return op('Add',[op('Mul',[r,W([C,1,1])]),W([C,1,1])])
    silu=lambda x: op('Mul',[x,op('Sigmoid',[x])])
    conv=lambda x: op('Conv',[x,W([C,C,3,3]),W([C])],pads=[1,1,1,1])
    x='x'
    for blk in range(2):
        y=conv(silu(gn(x))); y=conv(silu(gn(y))); x=op('Add',[x,y])
        t=op('Transpose',[op('Reshape',[x,I(np.array([1,C,H*H],np.int64))])],perm=[0,2,1])
        q,kk,v=[op('MatMul',[t,W([C,C])]) for _ in range(3)]
        s=op('Softmax',[op('Mul',[op('MatMul',[q,op('Transpose',[kk],perm=[0,2,1])]),I(np.array(C**-0.5,npdt))])],axis=-1)
        a=op('MatMul',[op('MatMul',[s,v]),W([C,C])])
        ff=op('MatMul',[a,W([C,2*C])]); hh=op('Split',[ff,I(np.array([C,C],np.int64))],axis=-1)
        nodes[-1].output[:]=[f'h1_{blk}',f'h2_{blk}']
        ge=op('Mul',[op('Mul',[f'h1_{blk}',op('Add',[op('Erf',[op('Mul',[f'h2_{blk}',I(np.array(2**-0.5,npdt))])]),I(np.array(1,npdt))])]),f'h2_{blk}'])
        o=op('Add',[a,op('MatMul',[ge,W([C,C])])])
        x=op('Add',[x,op('Reshape',[op('Transpose',[o],perm=[0,2,1]),I(np.array([1,C,H,H],np.int64))])])
    g=h.make_graph(nodes,'g',[h.make_tensor_value_info('x',dt,[1,C,H,H])],[h.make_tensor_value_info(x,dt,None)],initializer=inits)
    m=h.make_model(g,opset_imports=[h.make_opsetid('',17)]); m.ir_version=9; return m


def cast_edges(m):
    """The float32 model `m` with a float16 input and output: Casts at its edges only."""
    g = m.graph
    x, y = g.input[0].name, g.output[0].name
    for n in g.node:
        n.input[:] = ["x32" if i == x else i for i in n.input]
        n.output[:] = ["y32" if o == y else o for o in n.output]
    g.node.insert(0, h.make_node("Cast", [x], ["x32"], to=TP.FLOAT))
    g.node.append(h.make_node("Cast", ["y32"], [y], to=TP.FLOAT16))
    g.input[0].type.tensor_type.elem_type = TP.FLOAT16
    g.output[0].type.tensor_type.elem_type = TP.FLOAT16
    return m


def session(model, path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.log_severity_level = 3
    so.optimized_model_filepath = path
    s = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    return s, Counter(n.op_type for n in onnx.load(path).graph.node)["Cast"]


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
x = np.random.default_rng(1).standard_normal((1, C, H, H)).astype(np.float32)
variants = {
    "f32": (build(np.float32, TP.FLOAT), x),
    "f16": (build(np.float16, TP.FLOAT16), x.astype(np.float16)),
    "f16->f32": (cast_edges(build(np.float32, TP.FLOAT)), x.astype(np.float16)),
}
with tempfile.TemporaryDirectory() as d:
    sessions = {k: (*session(m, os.path.join(d, k + ".onnx")), feed) for k, (m, feed) in variants.items()}
times = {k: [] for k in sessions}
for k, (s, _, feed) in sessions.items():
    s.run(None, {"x": feed})
for _ in range(rounds):
    for k, (s, _, feed) in sessions.items():
        t = time.perf_counter()
        s.run(None, {"x": feed})
        times[k].append((time.perf_counter() - t) * 1000)
print(f"onnxruntime {ort.__version__}, CPU provider, 1 thread, {rounds} alternating rounds")
for k, (s, casts, _) in sessions.items():
    print(f"{k:9} median {statistics.median(times[k]):6.2f} ms   Cast nodes after optimization: {casts}")
