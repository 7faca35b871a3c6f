/**
 * Kernels of onnxruntime's WebGPU execution provider.
 *
 * com.microsoft: onnxruntime/contrib_ops/webgpu/webgpu_contrib_kernels.cc at commit 01671d9c4e01, the same list
 * onnxruntime-node 1.30 was found to run (issue 23). No GroupNorm, SkipGroupNorm or NhwcConv.
 *
 * ai.onnx: the kernel declarations of onnxruntime/core/providers/webgpu/webgpu_execution_provider.cc at commit
 * 003f772b21ab, the newest copy that could be read (older than 1.30). At that commit the registration table still
 * had Conv, ConvTranspose, Gemm, InstanceNormalization, DepthToSpace, Einsum, DequantizeLinear and the NHWC Resize
 * commented out; they are taken as registered because 1.30 runs Conv and InstanceNormalization on WebGPU (this
 * project's placement tests). Ops added after that commit are missing, so an ai.onnx op this table lacks is
 * reported as falling back to the CPU, never refused (every ai.onnx op has a CPU kernel).
 *
 * The last ai.onnx line is not from a source file: ops onnxruntime-node 1.30 placed on WebGPU (lavapipe) in the
 * probe of webgpu-table.test.ts, at opset 18; earlier opsets of them are not claimed. The same probe confirms that
 * Sign, Softsign, Selu, Celu, Round, LogSoftmax, Sum, Mean, Mod, Or, Xor and ConstantOfShape go to the CPU.
 */
export const webgpuKernelList = `
# WebGpuExecutionProvider
ai.onnx Abs:6-12,13+ Neg:6-12,13+ Floor:6-12,13+ Ceil:6-12,13+ Reciprocal:6-12,13+ Sqrt:6-12,13+ Exp:6-12,13+
ai.onnx Erf:9-12,13+ Sigmoid:6-12,13+ HardSigmoid:6+ Log:6-12,13+ Sin:7+ Cos:7+ Tan:7+ Asin:7+ Acos:7+ Atan:7+
ai.onnx Sinh:9+ Cosh:9+ Asinh:9+ Acosh:9+ Atanh:9+ Tanh:6-12,13+ Not:1+ Cast:6-8,9-12,13-18,19+ Clip:11,12,13+
ai.onnx Elu:6+ Relu:6-12,13,14+ LeakyRelu:6-15,16+ ThresholdedRelu:10+ Gelu:20+
ai.onnx ReduceMax:1-10,11,12,13-17,18-19,20+ ReduceMean:1-10,11-12,13-17,18+ ReduceMin:1-10,11,12,13-17,18-19,20+
ai.onnx ReduceProd:1-10,11-12,13-17,18+ ReduceSum:1-10,11-12,13+ ReduceL1:1-10,11-12,13-17,18+
ai.onnx ReduceL2:1-10,11-12,13-17,18+ ReduceLogSum:1-10,11-12,13-17,18+ ReduceSumSquare:1-10,11-12,13-17,18+
ai.onnx ReduceLogSumExp:1-10,11-12,13-17,18+
ai.onnx Add:7-12,13,14+ Sub:7-12,13,14+ Mul:7-12,13,14+ Div:7-12,13,14+ Pow:7-11,12,13-14,15+
ai.onnx Equal:7-10,11-12,13-18,19+ Greater:7-8,9-12,13+ GreaterOrEqual:12-15,16+ Less:7-8,9-12,13+
ai.onnx LessOrEqual:12-15,16+ Shape:1-12,13-14,15-18,19-20,21-22,23+ Reshape:5-12,13,14-18,19-20,21+
ai.onnx Squeeze:1-10,11-12,13+ Unsqueeze:1-10,11-12,13+ Where:9-15,16+ Transpose:1-12,13-20
ai.onnx DepthToSpace:11-12,13+ Conv:1-10,11+ ConvTranspose:1-10,11+ MaxPool:1-7,8-9,10,11,12+
ai.onnx AveragePool:7-9,10,11+ GlobalAveragePool:1+ GlobalMaxPool:1+ Gemm:7-8,9-10,11-12,13+ MatMul:1-12,13+
ai.onnx ArgMax:1-10,11-12,13+ ArgMin:1-10,11-12,13+ Softmax:1-10,11-12,13+ Concat:1-3,4-10,11-12,13+
ai.onnx Split:1,2-10,11-12,13-17,18+ Expand:8-12,13+ Resize:10,11-12,13-17,18,19+ Gather:1-10,11-12,13+
ai.onnx GatherElements:11-12,13+ Slice:1-9,10,11-12,13+ Flatten:1-8,9-10,11-12,13-20,21+ Tile:6-12,13+
ai.onnx LayerNormalization:1-16,17+ InstanceNormalization:6+ Range:11+ Einsum:12+
ai.onnx Pad:2-10,11-12,13-17,18,19-20,21-22,23+ If:1-10,11-12,13-18,19-20,21+ BatchNormalization:7-8,9-13,14,15+
ai.onnx CumSum:11-13,14+ DequantizeLinear:10-12,13-18,19-20,21+ SimplifiedLayerNormalization:1+
ai.onnx Softplus:18+ HardSwish:18+ Max:18+ Min:18+ PRelu:18+ And:18+ Trilu:18+
com.microsoft Attention:1+ BiasAdd:1+ BiasGelu:1+ BiasSplitGelu:1+ FastGelu:1+ FusedConv:1+ Gelu:1+
com.microsoft GatherBlockQuantized:1+ GroupQueryAttention:1+ MatMulNBits:1+ MatMulNBitsQkv:1+ MatMulNBitsMlp:1+
com.microsoft MultiHeadAttention:1+ QuickGelu:1+ RotaryEmbedding:1+ SkipLayerNormalization:1+
com.microsoft SkipSimplifiedLayerNormalization:1+ QMoE:1+
`;
