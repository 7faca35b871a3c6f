/**
 * What onnxruntime's TensorRT execution provider hands to TensorRT: the provider asks the onnx-tensorrt parser which
 * nodes it supports (its GetCapability), so its op set is the parser's. Read from onnx-tensorrt's operator support
 * matrix, docs/operators.md at commit 96e781103cfc ("ONNX-TensorRT 10.1 GA release"), the newest copy that could be
 * read: operators marked Y, each for the opsets the parser states (9 to 20 inclusive), with its "Supported Types"
 * after the @ (the element type of the op's main input: f32, f16, bf16, f64, i8, i32, i64, u8, bool, fp8, i4).
 * Operators marked N are left out; their nodes go to the next provider. The parser takes ONNX's own domain only.
 */
export const tensorrtKernelList = `
# onnx-tensorrt docs/operators.md @96e781103cfc: ai.onnx, opsets 9-20
ai.onnx Abs:9-20@f32,f16,bf16,i32,i64 Acos:9-20@f32,f16,bf16 Acosh:9-20@f32,f16,bf16 Add:9-20@f32,f16,bf16,i32,i64
ai.onnx And:9-20@bool ArgMax:9-20@f32,f16,bf16,i32,i64 ArgMin:9-20@f32,f16,bf16,i32,i64 Asin:9-20@f32,f16,bf16
ai.onnx Asinh:9-20@f32,f16,bf16 Atan:9-20@f32,f16,bf16 Atanh:9-20@f32,f16,bf16 AveragePool:9-20@f32,f16,bf16
ai.onnx BatchNormalization:9-20@f32,f16,bf16 Cast:9-20@f32,f16,bf16,i32,i64,u8,bool
ai.onnx CastLike:9-20@f32,f16,bf16,i32,i64,u8,bool Ceil:9-20@f32,f16,bf16 Celu:9-20@f32,f16,bf16
ai.onnx Clip:9-20@f32,f16,bf16 Concat:9-20@f32,f16,bf16,i32,i64,bool Constant:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx ConstantOfShape:9-20@f32,f16,bf16,i32,i64,bool Conv:9-20@f32,f16,bf16 ConvTranspose:9-20@f32,f16,bf16
ai.onnx Cos:9-20@f32,f16,bf16 Cosh:9-20@f32,f16,bf16 CumSum:9-20@f32,f16,bf16 DeformConv:9-20@f32,f16
ai.onnx DepthToSpace:9-20@f32,f16,bf16,i32,i64 DequantizeLinear:9-20@i8,fp8,i4 Div:9-20@f32,f16,bf16,i32,i64
ai.onnx Dropout:9-20@f32,f16,bf16 Einsum:9-20@f32,f16,bf16 Elu:9-20@f32,f16,bf16 Equal:9-20@f32,f16,bf16,i32,i64
ai.onnx Erf:9-20@f32,f16,bf16 Exp:9-20@f32,f16,bf16 Expand:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx EyeLike:9-20@f32,f16,bf16,i32,i64,bool Flatten:9-20@f32,f16,bf16,i32,i64,bool Floor:9-20@f32,f16,bf16
ai.onnx Gather:9-20@f32,f16,bf16,i32,i64,bool GatherElements:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx GatherND:9-20@f32,f16,bf16,i32,i64,bool Gelu:9-20@f32,f16,bf16,i8,i32,i64 Gemm:9-20@f32,f16,bf16
ai.onnx GlobalAveragePool:9-20@f32,f16,bf16 GlobalLpPool:9-20@f32,f16,bf16 GlobalMaxPool:9-20@f32,f16,bf16
ai.onnx Greater:9-20@f32,f16,bf16,i32,i64 GreaterOrEqual:9-20@f32,f16,bf16,i32,i64 GridSample:9-20@f32,f16
ai.onnx GroupNormalization:9-20@f32,f16,bf16 GRU:9-20@f32,f16,bf16 HardSigmoid:9-20@f32,f16,bf16
ai.onnx HardSwish:9-20@f32,f16,bf16 Hardmax:9-20@f32,f16,bf16 Identity:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx If:9-20@f32,f16,bf16,i32,i64,bool ImageScaler:9-20@f32,f16,bf16 InstanceNormalization:9-20@f32,f16,bf16
ai.onnx IsInf:9-20@f32,f16,bf16 IsNaN:9-20@f32,f16,bf16,i32,i64 LayerNormalization:9-20@f32,f16,bf16
ai.onnx LeakyRelu:9-20@f32,f16,bf16 Less:9-20@f32,f16,bf16,i32,i64 LessOrEqual:9-20@f32,f16,bf16,i32,i64
ai.onnx Log:9-20@f32,f16,bf16 LogSoftmax:9-20@f32,f16,bf16 Loop:9-20@f32,f16,bf16,i32,i64,bool LRN:9-20@f32,f16,bf16
ai.onnx LSTM:9-20@f32,f16,bf16 LpNormalization:9-20@f32,f16,bf16 LpPool:9-20@f32,f16,bf16 MatMul:9-20@f32,f16,bf16
ai.onnx Max:9-20@f32,f16,bf16,i32,i64 MaxPool:9-20@f32,f16,bf16 Mean:9-20@f32,f16,bf16,fp8,i32,i64
ai.onnx MeanVarianceNormalization:9-20@f32,f16,bf16 Min:9-20@f32,f16,bf16,i32,i64 Mish:9-20@f32,f16
ai.onnx Mod:9-20@f32,f16,bf16,i32,i64 Mul:9-20@f32,f16,bf16,i32,i64 Neg:9-20@f32,f16,bf16,i32,i64
ai.onnx NonMaxSuppression:9-20@f32,f16 NonZero:9-20@f32,f16 Not:9-20@bool OneHot:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx Or:9-20@bool Pad:9-20@f32,f16,bf16,i32,i64 ParametricSoftplus:9-20@f32,f16,bf16 Pow:9-20@f32,f16,bf16
ai.onnx PRelu:9-20@f32,f16,bf16 QuantizeLinear:9-20@f32,f16,bf16 RandomNormal:9-20@f32,f16,bf16
ai.onnx RandomNormalLike:9-20@f32,f16,bf16 RandomUniform:9-20@f32,f16,bf16 RandomUniformLike:9-20@f32,f16,bf16
ai.onnx Range:9-20@f32,f16,bf16,i32,i64 Reciprocal:9-20@f32,f16,bf16 ReduceL1:9-20@f32,f16,bf16,i32,i64
ai.onnx ReduceL2:9-20@f32,f16,bf16,i32,i64 ReduceLogSum:9-20@f32,f16,bf16,i32,i64
ai.onnx ReduceLogSumExp:9-20@f32,f16,bf16,i32,i64 ReduceMax:9-20@f32,f16,bf16,i32,i64
ai.onnx ReduceMean:9-20@f32,f16,bf16,i32,i64 ReduceMin:9-20@f32,f16,bf16,i32,i64 ReduceProd:9-20@f32,f16,bf16,i32,i64
ai.onnx ReduceSum:9-20@f32,f16,bf16,i32,i64 ReduceSumSquare:9-20@f32,f16,bf16,i32,i64 Relu:9-20@f32,f16,bf16,i32,i64
ai.onnx Reshape:9-20@f32,f16,bf16,i32,i64,bool Resize:9-20@f32,f16,bf16 ReverseSequence:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx RNN:9-20@f32,f16,bf16 RoiAlign:9-20@f32,f16 Round:9-20@f32,f16,bf16 ScaledTanh:9-20@f32,f16,bf16
ai.onnx Scan:9-20@f32,f16,bf16 Scatter:9-20@f32,f16,bf16,i32,i64 ScatterElements:9-20@f32,f16,bf16,i32,i64
ai.onnx ScatterND:9-20@f32,f16,bf16,i32,i64 Selu:9-20@f32,f16,bf16 Shape:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx Shrink:9-20@f32,f16,bf16,i32,i64 Sigmoid:9-20@f32,f16,bf16 Sign:9-20@f32,f16,bf16,i32,i64
ai.onnx Sin:9-20@f32,f16,bf16 Sinh:9-20@f32,f16,bf16 Size:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx Slice:9-20@f32,f16,bf16,i32,i64,bool Softmax:9-20@f32,f16,bf16 Softplus:9-20@f32,f16,bf16
ai.onnx Softsign:9-20@f32,f16,bf16 SpaceToDepth:9-20@f32,f16,bf16,i32,i64 Split:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx Sqrt:9-20@f32,f16,bf16 Squeeze:9-20@f32,f16,bf16,i32,i64,bool Sub:9-20@f32,f16,bf16,i32,i64
ai.onnx Sum:9-20@f32,f16,bf16,i32,i64 Tan:9-20@f32,f16,bf16 Tanh:9-20@f32,f16,bf16 ThresholdedRelu:9-20@f32,f16,bf16
ai.onnx Tile:9-20@f32,f16,bf16,i32,i64,bool TopK:9-20@f32,f16,bf16,i32,i64 Transpose:9-20@f32,f16,bf16,i32,i64,bool
ai.onnx Trilu:9-20@f32,f16,bf16,i32,i64,bool Unsqueeze:9-20@f32,f16,bf16,i32,i64,bool Upsample:9-20@f32,f16,bf16
ai.onnx Where:9-20@f32,f16,bf16,i32,i64,bool Xor:9-20@bool
`;
