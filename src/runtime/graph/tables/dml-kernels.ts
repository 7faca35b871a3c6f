/**
 * Kernels of onnxruntime's DirectML execution provider: the DmlExecutionProvider section of docs/OperatorKernels.md
 * at commit 001d12d2623f (generated from the registered kernels by tools/python/gen_opkernel_doc.py). That section
 * writes every DirectML registration as an open range ("6+", "13+"), one per since-version, so only each op's
 * lowest since-version is kept here. No SkipGroupNorm (GroupNorm and NhwcConv are there).
 */
export const dmlKernelList = `
# DmlExecutionProvider
ai.onnx Abs:6+ Acos:7+ Acosh:9+ Add:7+ Affine:1+ And:7+ ArgMax:1+ ArgMin:1+ Asin:7+ Asinh:9+ Atan:7+ Atanh:9+
ai.onnx AveragePool:7+ BatchNormalization:7+ BitShift:11+ BitwiseAnd:18+ BitwiseNot:18+ BitwiseOr:18+
ai.onnx BitwiseXor:18+ Cast:6+ CastLike:15+ Ceil:6+ Celu:12+ Clip:6+ Col2Im:18+ Concat:4+ ConcatFromSequence:11+
ai.onnx ConstantOfShape:9+ Conv:1+ ConvInteger:10+ ConvTranspose:1+ Cos:7+ Cosh:9+ Crop:1+ CumSum:11+ DFT:17+
ai.onnx DepthToSpace:1+ DequantizeLinear:10+ Div:7+ Dropout:7+ DynamicQuantizeLinear:11+ Einsum:12+ Elu:6+
ai.onnx Equal:7+ Erf:9+ Exp:6+ Expand:8+ EyeLike:9+ Flatten:1+ Floor:6+ GRU:7+ Gather:1+ GatherElements:11+
ai.onnx GatherND:11+ Gemm:7+ GlobalAveragePool:1+ GlobalLpPool:2+ GlobalMaxPool:1+ Greater:7+ GreaterOrEqual:12+
ai.onnx GridSample:16+ GroupNorm:21+ HardSigmoid:6+ Hardmax:1+ Identity:1+ If:7+ ImageScaler:1+
ai.onnx InstanceNormalization:6+ IsInf:10+ IsNaN:9+ LRN:1+ LSTM:7+ LayerNormalization:1+ LeakyRelu:6+ Less:7+
ai.onnx LessOrEqual:12+ Log:6+ LogSoftmax:1+ LpNormalization:1+ LpPool:2+ MatMul:1+ MatMulInteger:10+ Max:6+
ai.onnx MaxPool:1+ MaxRoiPool:1+ MaxUnpool:9+ Mean:6+ MeanVarianceNormalization:1+ Min:6+ Mod:10+ Mul:7+ Neg:6+
ai.onnx NonZero:9+ Not:1+ OneHot:9+ OptionalGetElement:15+ OptionalHasElement:15+ Or:7+ PRelu:7+ Pad:2+
ai.onnx ParametricSoftplus:1+ Pow:7+ QLinearConv:10+ QLinearMatMul:10+ QuantizeLinear:10+ RNN:7+ Range:11+
ai.onnx Reciprocal:6+ ReduceL1:1+ ReduceL2:1+ ReduceLogSum:1+ ReduceLogSumExp:1+ ReduceMax:1+ ReduceMean:1+
ai.onnx ReduceMin:1+ ReduceProd:1+ ReduceSum:1+ ReduceSumSquare:1+ Relu:6+ Reshape:5+ Resize:10+
ai.onnx ReverseSequence:10+ RoiAlign:10+ Round:11+ STFT:17+ ScaledTanh:1+ Scatter:9+ ScatterElements:11+
ai.onnx ScatterND:11+ Selu:6+ SequenceAt:11+ SequenceConstruct:11+ SequenceEmpty:11+ SequenceErase:11+
ai.onnx SequenceInsert:11+ SequenceLength:11+ Shape:1+ Shrink:9+ Sigmoid:6+ Sign:9+ SimplifiedLayerNormalization:1+
ai.onnx Sin:7+ Sinh:9+ Size:1+ Slice:1+ Softmax:1+ Softplus:1+ Softsign:1+ SpaceToDepth:1+ Split:2+ Sqrt:6+
ai.onnx Squeeze:1+ Sub:7+ Sum:6+ Tan:7+ Tanh:6+ ThresholdedRelu:1+ Tile:6+ TopK:1+ Transpose:1+ Trilu:14+
ai.onnx Unsqueeze:1+ Upsample:7+ Where:9+ Xor:7+
com.microsoft Attention:1+ BiasAdd:1+ BiasGelu:1+ BiasSplitGelu:1+ ConvTransposeWithDynamicPads:1+
com.microsoft DequantizeLinear:1+ DynamicQuantizeMatMul:1+ EmbedLayerNormalization:1+ FastGelu:1+ FusedMatMul:1+
com.microsoft FusedMatMulActivation:1+ Gelu:1+ GroupNorm:1+ GroupQueryAttention:1+ MatMulIntegerToFloat:1+
com.microsoft MatMulNBits:1+ MultiHeadAttention:1+ NhwcConv:1+ QAttention:1+ QLinearAdd:1+ QLinearAveragePool:1+
com.microsoft QLinearConcat:1+ QLinearGlobalAveragePool:1+ QLinearSigmoid:1+ QuantizeLinear:1+ QuickGelu:1+
com.microsoft RotaryEmbedding:1+ SkipLayerNormalization:1+ SkipSimplifiedLayerNormalization:1+
com.microsoft.dml DmlFusedAdd:1+ DmlFusedBatchNormalization:1+ DmlFusedConv:1+ DmlFusedConvTranspose:1+
com.microsoft.dml DmlFusedGemm:1+ DmlFusedInstanceNormalization:1+ DmlFusedMatMul:1+
com.microsoft.dml DmlFusedMeanVarianceNormalization:1+ DmlFusedSum:1+
`;
