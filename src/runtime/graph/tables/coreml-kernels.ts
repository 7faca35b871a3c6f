/**
 * What onnxruntime's CoreML execution provider converts, in the ML Program format (the one that takes float16):
 * the operator list onnxruntime keeps in sync with its CoreML documentation,
 * tools/ci_build/github/apple/coreml_supported_mlprogram_ops.md at commit 9969c9a116aa (each entry an op builder
 * of onnxruntime/core/providers/coreml/builders/op_builder_factory.cc). Opsets: the base op builder accepts since-
 * versions 1 to 20 (GetMinSupportedOpSet / GetMaxSupportedOpSet in base_op_builder.h), the activation builder from 6
 * (older versions carry consumed_inputs). Types after the @: the base builder's input check (base_op_builder.cc,
 * IsInputDtypeSupport) takes input 0 as float, or float16 in ML Program only; the Pow entry's note says both
 * inputs must be float. Builders that move data (Cast, Concat, Reshape, Shape, Slice, Split, Squeeze, Transpose,
 * Unsqueeze) override that check in ways not read here, so no type is kept for them. The NeuralNetwork format (the
 * provider's default) converts fewer operators and float only.
 */
export const coremlKernelList = `
# coreml_supported_mlprogram_ops.md @9969c9a116aa: ai.onnx, since-versions 1-20 (activations 6-20)
ai.onnx Add:1-20@f32,f16 ArgMax:1-20@f32,f16 AveragePool:1-20@f32,f16 Cast:1-20 Clip:1-20@f32,f16 Concat:1-20
ai.onnx Conv:1-20@f32,f16 ConvTranspose:1-20@f32,f16 DepthToSpace:1-20@f32,f16 Div:1-20@f32,f16 Elu:1-20@f32,f16
ai.onnx Erf:1-20@f32,f16 Exp:1-20@f32,f16 Gelu:1-20@f32,f16 Gemm:1-20@f32,f16 GlobalAveragePool:1-20@f32,f16
ai.onnx GlobalMaxPool:1-20@f32,f16 GridSample:1-20@f32,f16 GroupNormalization:1-20@f32,f16
ai.onnx InstanceNormalization:1-20@f32,f16 LayerNormalization:1-20@f32,f16 LeakyRelu:6-20@f32,f16 MatMul:1-20@f32,f16
ai.onnx Max:1-20@f32,f16 MaxPool:1-20@f32,f16 Mul:1-20@f32,f16 PRelu:6-20@f32,f16 Pow:1-20@f32 Reciprocal:1-20@f32,f16
ai.onnx ReduceMax:1-20@f32,f16 ReduceMean:1-20@f32,f16 ReduceSum:1-20@f32,f16 Relu:6-20@f32,f16 Reshape:1-20
ai.onnx Resize:1-20@f32,f16 Round:1-20@f32,f16 Shape:1-20 Sigmoid:6-20@f32,f16 Slice:1-20 Softmax:1-20@f32,f16
ai.onnx Softplus:1-20@f32,f16 Split:1-20 Sqrt:1-20@f32,f16 Squeeze:1-20 Sub:1-20@f32,f16 Tanh:6-20@f32,f16
ai.onnx Transpose:1-20 Unsqueeze:1-20
`;
