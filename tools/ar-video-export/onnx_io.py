"""torch -> ONNX with the contract's names, weights in one external file beside the graph (protobuf's 2 GB)."""

import os
import tempfile

import onnx
import torch


def export(module, args, path: str, inputs, outputs, dynamic=None, opset: int = 17) -> None:
    """Exports `module(*args)` to `path` (+ `path`.data when large), with named inputs and outputs."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "model.onnx")
        torch.onnx.export(
            module,
            tuple(args),
            raw,
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=dynamic or {},
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )
        model = onnx.load(raw, load_external_data=True)
        data = os.path.basename(path) + ".data"
        if os.path.exists(path + ".data"):
            os.remove(path + ".data")
        large = sum(t.ByteSize() for t in model.graph.initializer) > 1_500_000_000
        onnx.save_model(model, path, save_as_external_data=large, all_tensors_to_one_file=True, location=data, size_threshold=1024)
    print(f"  wrote {path}" + (f" (+ {data})" if os.path.exists(path + '.data') else ""))


def signature(path: str):
    """Input and output names of a written graph, for the log."""
    m = onnx.load(path, load_external_data=False)
    return [i.name for i in m.graph.input], [o.name for o in m.graph.output]
