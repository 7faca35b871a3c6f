/**
 * Kernels of onnxruntime's WebGPU execution provider, with the element types each takes for its main input (input
 * 0; Where's input 1, see typedInput in opset-check.ts), as onnxruntime-node 1.30 places them.
 *
 * Sources. The op list and its opset ranges are the registrations of onnxruntime/core/providers/webgpu/
 * webgpu_execution_provider.cc (the newest copy that could be read: it registers opset 25 kernels, yet lacks Max,
 * Min, PRelu, HardSwish and Trilu, which 1.30 runs) and onnxruntime/contrib_ops/webgpu/webgpu_contrib_kernels.cc
 * at 01671d9c4e01. The type sets are those of webgpu_supported_types.h and the kernel files (WebGpuSupportedFloat
 * Types: float32, float16; WebGpuSupportedNumberTypes: those and int32, uint32; the NumberAndBool list adds bool;
 * Cast's own list; int64 only where the provider is made with enable_int64 or graph capture, which this project
 * does not set). The copies read were not all 1.30's, so every claim below was then held against 1.30 itself:
 * webgpu-table.test.ts places one node per op and type on WebGPU (Mesa's lavapipe) and reads where onnxruntime put
 * it. Where the two disagreed the runtime won: uint8 on Reshape, Gather, Expand and Cast; int32 and uint32 on Clip
 * and Gemm; Slice, GatherElements and MatMul float only; Range float32 and int32 only; AveragePool and Cast kernels
 * past the versions read.
 *
 * Ranges: onnxruntime matches a kernel registered as `N+` (no end) only to the op's own since-version N, so a model
 * importing an opset where ONNX revised the op again gets the CPU kernel. Such ranges are closed here at the opset
 * before that revision, as the probe found (Sin:7-21: ONNX revised Sin at 22). Probed at opsets 7 to 26 (27 is not
 * accepted by 1.30); ranges below 13 of ops whose inputs changed form were taken from the source unprobed.
 *
 * Type words: f32 float32, f16 float16, i32 int32, u32 uint32, u8 uint8, i8 int8, bool. float64, int64, bfloat16
 * and the rest have no WebGPU kernel in any op: a node at those types runs on the CPU provider.
 */
export const webgpuKernelList = `
# WebGpuExecutionProvider, ai.onnx: elementwise
ai.onnx Abs:6-12,13+@f32,f16 Neg:6-12,13+@f32,f16 Floor:6-12,13+@f32,f16 Ceil:6-12,13+@f32,f16
ai.onnx Reciprocal:6-12,13+@f32,f16 Sqrt:6-12,13+@f32,f16 Exp:6-12,13+@f32,f16 Erf:9-12,13+@f32,f16
ai.onnx Sigmoid:6-12,13+@f32,f16 HardSigmoid:6-21@f32,f16 Log:6-12,13+@f32,f16 Tanh:6-12,13+@f32,f16
ai.onnx Sin:7-21@f32,f16 Cos:7-21@f32,f16 Tan:7-21@f32,f16 Asin:7-21@f32,f16 Acos:7-21@f32,f16 Atan:7-21@f32,f16
ai.onnx Sinh:9-21@f32,f16 Cosh:9-21@f32,f16 Asinh:9-21@f32,f16 Acosh:9-21@f32,f16 Atanh:9-21@f32,f16
ai.onnx Elu:6-21@f32,f16 Relu:6-12,13,14+@f32,f16 LeakyRelu:6-15,16+@f32,f16 ThresholdedRelu:10-21@f32,f16
ai.onnx Gelu:20+@f32,f16 Softplus:1-21,22+@f32,f16 HardSwish:14-21@f32,f16 PRelu:7-8,9-15,16+@f32,f16
ai.onnx Clip:11,12,13+@f32,f16,i32,u32 Not:1+@bool And:7+@bool
ai.onnx Cast:6-8,9-12,13-18,19-20,21-22,23+@f32,f16,i32,u32,bool,u8
ai.onnx Add:7-12,13,14+@f32,f16,i32,u32 Sub:7-12,13,14+@f32,f16,i32,u32 Mul:7-12,13,14+@f32,f16,i32,u32
ai.onnx Div:7-12,13,14+@f32,f16,i32,u32 Pow:7-11,12,13-14,15+@f32,f16,i32
ai.onnx Max:8-11,12,13+@f32,f16,i32,u32 Min:8-11,12,13+@f32,f16,i32,u32
ai.onnx Equal:7-10,11-12,13-18,19+@f32,f16,i32,u32 Greater:7-8,9-12,13+@f32,f16,i32,u32
ai.onnx GreaterOrEqual:12-15,16+@f32,f16,i32,u32 Less:7-8,9-12,13+@f32,f16,i32,u32
ai.onnx LessOrEqual:12-15,16+@f32,f16,i32,u32 Where:9-15,16+@f32,f16,i32,u32,bool
# reductions
ai.onnx ReduceMax:1-10,11,12,13-17,18-19,20+@f32,f16,i32,u32 ReduceMin:1-10,11,12,13-17,18-19,20+@f32,f16,i32,u32
ai.onnx ReduceMean:1-10,11-12,13-17,18+@f32,f16,i32,u32 ReduceProd:1-10,11-12,13-17,18+@f32,f16,i32,u32
ai.onnx ReduceSum:1-10,11-12,13+@f32,f16,i32,u32 ReduceL1:1-10,11-12,13-17,18+@f32,f16,i32,u32
ai.onnx ReduceL2:1-10,11-12,13-17,18+@f32,f16,i32,u32 ReduceLogSum:1-10,11-12,13-17,18+@f32,f16,i32,u32
ai.onnx ReduceSumSquare:1-10,11-12,13-17,18+@f32,f16,i32,u32 ReduceLogSumExp:1-10,11-12,13-17,18+@f32,f16,i32,u32
ai.onnx ArgMax:1-10,11-12,13+@f32,f16,i32,u32 ArgMin:1-10,11-12,13+@f32,f16,i32,u32 CumSum:11-13,14+@f32,f16,i32,u32
# tensor
ai.onnx Shape:1-12,13-14,15-18,19-20,21-22,23-24@f32,f16,i32,u32
ai.onnx Reshape:5-12,13,14-18,19-20,21-22,23-24,25+@f32,f16,i32,u32,bool,u8
ai.onnx Squeeze:1-10,11-12,13-20,21-22,23,24@f32,f16,i32,u32
ai.onnx Unsqueeze:1-10,11-12,13-20,21-22,23,24,25+@f32,f16,i32,u32,bool
ai.onnx Flatten:1-8,9-10,11-12,13-20,21-22@f32,f16,i32,u32,bool Transpose:1-12,13-20,21-22,23,24@f32,f16,i32,u32
ai.onnx Concat:1-3,4-10,11-12,13+@f32,f16,i32,u32 Split:1,2-10,11-12,13-17,18+@f32,f16,i32,u32
ai.onnx Gather:1-10,11-12,13+@f32,f16,i32,u32,bool,u8 GatherElements:11-12,13+@f32,f16 GatherND:11,12,13+@f32,f16,i32,u32
ai.onnx Slice:1-9,10,11-12,13+@f32,f16 Tile:6-12,13+@f32,f16,i32,u32 Expand:8-12,13+@f32,f16,i32,u32,bool,u8
ai.onnx Pad:2-10,11-12,13-17,18,19-20,21-22,23@f32,f16,i32,u32 Resize:10,11-12,13-17,18,19+@f32,f16,i32,u32
ai.onnx DepthToSpace:11-12,13+@f32,f16 Range:11+@f32,i32 Trilu:14+@f32,f16,i32,u32 TopK:1-9,10,11-23,24+@f32,f16
ai.onnx ScatterND:11-12,13-15,16-17,18+@f32,f16,i32,u32 ScatterElements:11-12,13-15,16-17,18+@f32,f16,i32,u32
ai.onnx GridSample:16-19@f32,f16 DequantizeLinear:10-12,13-18,19-20,21-22,23@i32,u8,i8
# nn and math
ai.onnx Conv:1-10,11-21,22+@f32,f16 ConvTranspose:1-10,11-21@f32,f16 MaxPool:1-7,8-9,10,11,12-21@f32,f16
ai.onnx AveragePool:7-9,10,11+@f32,f16 GlobalAveragePool:1-21@f32,f16 GlobalMaxPool:1-21@f32,f16
ai.onnx BatchNormalization:7-8,9-13,14,15+@f32,f16 InstanceNormalization:1-5,6-21,22+@f32,f16
ai.onnx LayerNormalization:1-16,17+@f32,f16 SimplifiedLayerNormalization:1+@f32,f16 LpNormalization:1-21,22+@f32,f16
ai.onnx RMSNormalization:23+@f32,f16 Gemm:7-8,9-10,11-12,13+@f32,f16,i32,u32 MatMul:1-12,13+@f32,f16
ai.onnx Softmax:1-10,11-12,13+@f32,f16 Einsum:12+@f32,f16
# not probed (If's input 0 is its condition; no RotaryEmbedding was built): ops and ranges from the source, If's
# open 21 closed at 22 (ONNX revised If at 23)
ai.onnx If:1-10,11-12,13-18,19-20,21-22 RotaryEmbedding:23+
# com.microsoft: all opset 1; the float ones were placed at float32 and float16 by the probe
com.microsoft Attention:1+@f32,f16 BiasAdd:1+@f32,f16 BiasGelu:1+@f32,f16 BiasSplitGelu:1+@f32,f16
com.microsoft FastGelu:1+@f32,f16 FusedConv:1+@f32,f16 Gelu:1+@f32,f16 QuickGelu:1+@f32,f16
com.microsoft MatMulNBits:1+@f32,f16 MultiHeadAttention:1+@f32,f16 RotaryEmbedding:1+@f32,f16
com.microsoft SkipLayerNormalization:1+@f32,f16 SkipSimplifiedLayerNormalization:1+@f32,f16
com.microsoft GatherBlockQuantized:1+ GroupQueryAttention:1+ MatMulNBitsQkv:1+ MatMulNBitsMlp:1+ QMoE:1+
`;
