"""What the upstream generator wrappers return, and how to compare it with the ONNX block's flow.

The block contract's graph outputs the flow prediction (x0 = x_t - sigma*flow). The upstream wrappers differ:
- LongLive v1.0 (utils/wan_wrapper.py) returns the pair (flow_pred, pred_x0);
- StreamDiffusionV2 (models/wan/wan_wrapper.py) returns pred_x0 alone, converted in float64 with sigma taken from
  its own scheduler table (FlowMatchScheduler(shift=8.0), set in the wrapper, not from the config) at the table
  entry nearest the timestep.
Comparing StreamDiffusionV2's x0 as if it were flow gives errors of the size of the latents themselves, so the
check converts: flow = (x_t - x0) / sigma with the wrapper's own sigma. Near t = 0 (the table's last sigma is
0.0079 at shift 8) x0 is x_t up to a bfloat16 rounding that the division would blow up, so there the check compares
x0 only (and the K/V the pass writes, which is what a pass at t = 0 is for).

Plain numpy: runs without torch, so the conversion is tested in CI on tiny inputs.
"""

import numpy as np


def sigma_table(shift: float):
    """FlowMatchScheduler(shift, sigma_min=0, extra_one_step=True).set_timesteps(1000, training=True): the 1000
    sigmas shift*s / (1 + (shift-1)*s) for s = linspace(1, 0, 1001)[:-1], and timesteps = 1000*sigma."""
    s = np.linspace(1.0, 0.0, 1001, dtype=np.float64)[:-1]
    sigmas = shift * s / (1.0 + (shift - 1.0) * s)
    return sigmas, sigmas * 1000.0


def sigma_at(timestep: float, sigmas, timesteps) -> float:
    """Sigma of the table entry whose timestep is nearest (upstream's argmin lookup); t = 0 gives the last entry."""
    return float(sigmas[int(np.argmin(np.abs(timesteps - float(timestep))))])


# Below this sigma a flow recovered from a bfloat16 x0 is mostly rounding: compare x0 only.
MIN_SIGMA_FOR_FLOW = 0.05


def x0_from_flow(flow, x, sigma: float):
    """x0 = x_t - sigma*flow in float64."""
    return np.asarray(x, np.float64) - sigma * np.asarray(flow, np.float64)


def flow_from_x0(x0, x, sigma: float):
    """flow = (x_t - x0) / sigma in float64 (upstream's _convert_x0_to_flow_pred); None below MIN_SIGMA_FOR_FLOW."""
    if sigma < MIN_SIGMA_FOR_FLOW:
        return None
    return (np.asarray(x, np.float64) - np.asarray(x0, np.float64)) / sigma


def upstream_prediction(out, kind: str, x, sigma: float):
    """(flow or None, x0) from an upstream wrapper's output: kind 'flow-and-x0' (LongLive) or 'x0' (SDv2)."""
    if kind == "flow-and-x0":
        flow, x0 = out[0], out[1]
        return np.asarray(flow, np.float64), np.asarray(x0, np.float64)
    if kind == "x0":
        x0 = out[0] if isinstance(out, (tuple, list)) else out
        return flow_from_x0(x0, x, sigma), np.asarray(x0, np.float64)
    raise ValueError(f"unknown upstream prediction kind {kind!r}")


def relative_error(a, ref) -> float:
    """RMS of the difference over the RMS of the reference."""
    a, ref = np.asarray(a, np.float64), np.asarray(ref, np.float64)
    return float(np.sqrt(np.mean((a - ref) ** 2)) / (np.sqrt(np.mean(ref**2)) + 1e-12))


def compare(onnx_flow, out, kind: str, x, sigma: float, tolerance: float = 0.05):
    """Compares the ONNX block's flow with an upstream wrapper's output at noise level sigma. Returns a dict with
    the relative errors ('flow' where sigma > 0, 'x0' always), the largest absolute flow error, and 'ok'."""
    flow = np.asarray(onnx_flow, np.float64)
    ref_flow, ref_x0 = upstream_prediction(out, kind, x, sigma)
    result = {"x0": relative_error(x0_from_flow(flow, x, sigma), ref_x0), "finite": bool(np.isfinite(flow).all())}
    if ref_flow is not None:
        result["flow"] = relative_error(flow, ref_flow)
        result["max_abs"] = float(np.max(np.abs(flow - ref_flow)))
    worst = max(result.get("flow", 0.0), result["x0"])
    result["ok"] = result["finite"] and worst < tolerance
    return result
