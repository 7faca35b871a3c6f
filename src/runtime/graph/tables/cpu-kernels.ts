/**
 * Kernels the CPU execution provider registers in onnxruntime 1.30.0 (the version onnxruntime-node pins here), read
 * from the onnxruntime 1.30.0 Python wheel (cp311, manylinux_2_28) through its get_all_opkernel_def(): the registered
 * kernels of that build, not a hand copy. Regenerate with tools/ort-kernel-list.py against the next pinned version.
 * Type constraints are not kept: a float16 graph whose op has only float kernels on the CPU is not caught here.
 */
export const cpuKernelList = `
# CPUExecutionProvider, onnxruntime 1.30.0
ai.onnx Abs:6-12,13+ Acos:7-21,22+ Acosh:9-21,22+ Add:7-12,13,14+ Affine:1+ AffineGrid:20+ And:7+
ai.onnx ArgMax:1-10,11-12,13+ ArgMin:1-10,11-12,13+ Asin:7-21,22+ Asinh:9-21,22+ Atan:7-21,22+ Atanh:9-21,22+
ai.onnx Attention:23,24+ AveragePool:7-9,10,11-18,19-21,22+ BatchNormalization:7-8,9-13,14,15+ BitCast:26+
ai.onnx BitShift:11+ BitwiseAnd:18+ BitwiseNot:18+ BitwiseOr:18+ BitwiseXor:18+ BlackmanWindow:17+
ai.onnx Cast:6-12,13-18,19-20,21-22,23,24,25+ Ceil:6-12,13+ Celu:12+ Clip:6-10,11,12,13+ Col2Im:18+
ai.onnx Compress:9-10,11+ Concat:4-10,11-12,13+ ConcatFromSequence:11+ ConstantOfShape:9-19,20,21-22,23,24,25+
ai.onnx Conv:1-10,11-21,22+ ConvInteger:10+ ConvTranspose:1-10,11-21,22+ Cos:7-21,22+ Cosh:9-21,22+ Crop:1+
ai.onnx CumProd:26+ CumSum:11-13,14+ DFT:17-19,20+ DeformConv:19-21,22+ DepthToSpace:1-10,11-12,13+
ai.onnx DequantizeLinear:10-12,13-18,19-20,21-22,23,24,25+ Det:11-21,22+ Div:7-12,13,14+
ai.onnx Dropout:7-9,10-11,12,13-21,22+ DynamicQuantizeLinear:11+ DynamicSlice:1+ Einsum:12+ Elu:6-21,22+
ai.onnx Equal:7-10,11-12,13-18,19+ Erf:9-12,13+ Exp:6-12,13+ Expand:8-12,13+ EyeLike:9-21,22+
ai.onnx Flatten:1-8,9-10,11-12,13-20,21-22,23,24,25+ Floor:6-12,13+ GRU:7-13,14-21,22+ Gather:1-10,11-12,13+
ai.onnx GatherElements:11-12,13+ GatherND:11,12,13+ Gelu:20+ Gemm:7-8,9-10,11-12,13+
ai.onnx GlobalAveragePool:1-21,22+ GlobalLpPool:2+ GlobalMaxPool:1-21,22+ Greater:7-8,9-12,13+
ai.onnx GreaterOrEqual:12-15,16+ GridSample:16-19,20-21,22+ HammingWindow:17+ HannWindow:17+
ai.onnx HardSigmoid:6-21,22+ Hardmax:1-10,11-12,13+ Identity:1-12,13,14-15,16-18,19-20,21-22,23,24,25+
ai.onnx If:1-10,11-12,13-15,16-18,19-20,21-22,23,24,25+ ImageScaler:1+ InstanceNormalization:6-21,22+
ai.onnx IsInf:10-19,20+ IsNaN:9-12,13-19,20+ LRN:1-12,13+ LSTM:7-13,14-21,22+ LayerNormalization:1-16,17+
ai.onnx LeakyRelu:6-15,16+ Less:7-8,9-12,13+ LessOrEqual:12-15,16+ Log:6-12,13+ LogSoftmax:1-10,11-12,13+
ai.onnx Loop:1-10,11-12,13-15,16-18,19-20,21-22,23,24,25+ LpNormalization:1-21,22+ LpPool:2-10,11-17,18-21,22+
ai.onnx MatMul:1-8,9-12,13+ MatMulInteger:10+ Max:6-7,8-11,12,13+ MaxPool:1-7,8-11,12-21,22+ MaxRoiPool:1+
ai.onnx MaxUnpool:9-10,11-21,22+ Mean:6-7,8-12,13+ MeanVarianceNormalization:1-8,9-12,13+ MelWeightMatrix:17+
ai.onnx MemcpyFromHost:1+ MemcpyToHost:1+ Min:6-7,8-11,12,13+ Mod:10-12,13+ Mul:7-12,13,14+ Multinomial:7+
ai.onnx Neg:6-12,13+ NonMaxSuppression:10,11+ NonZero:9-12,13+ Not:1+ OneHot:9-10,11+ Optional:15+
ai.onnx OptionalGetElement:15-17,18+ OptionalHasElement:15-17,18+ Or:7+ PRelu:7-8,9-15,16+
ai.onnx Pad:2-10,11-12,13-17,18,19-20,21-22,23,24,25+ ParametricSoftplus:1+ Pow:7-11,12,13-14,15+
ai.onnx QLinearConv:10+ QLinearMatMul:10-20,21+ QuantizeLinear:10-12,13-18,19-20,21-22,23,24,25+
ai.onnx RMSNormalization:23+ RNN:7-13,14-21,22+ RandomNormal:1+ RandomNormalLike:1+ RandomUniform:1+
ai.onnx RandomUniformLike:1+ Range:11-26,27+ Reciprocal:6-12,13+ ReduceL1:1-10,11-12,13-17,18+
ai.onnx ReduceL2:1-10,11-12,13-17,18+ ReduceLogSum:1-10,11-12,13-17,18+ ReduceLogSumExp:1-10,11-12,13-17,18+
ai.onnx ReduceMax:1-10,11,12,13-17,18-19,20+ ReduceMean:1-10,11-12,13-17,18+
ai.onnx ReduceMin:1-10,11,12,13-17,18-19,20+ ReduceProd:1-10,11-12,13-17,18+ ReduceSum:1-10,11-12,13+
ai.onnx ReduceSumSquare:1-10,11-12,13-17,18+ RegexFullMatch:20+ Relu:6-12,13,14+
ai.onnx Reshape:1-4,5-12,13,14-18,19-20,21-22,23,24,25+ Resize:10,11-12,13-17,18,19+ ReverseSequence:10+
ai.onnx RoiAlign:10-15,16+ RotaryEmbedding:23+ Round:11-21,22+ STFT:17+ Scale:1+ ScaledTanh:1+
ai.onnx Scan:8,9-10,11-15,16-18,19-20,21-22,23,24,25+ Scatter:9-10 ScatterElements:11-12,13-15,16-17,18+
ai.onnx ScatterND:11-12,13-15,16-17,18+ Selu:6-21,22+ SequenceAt:11+ SequenceConstruct:11+ SequenceEmpty:11+
ai.onnx SequenceErase:11+ SequenceInsert:11+ SequenceLength:11+ Shape:1-12,13-14,15-18,19-20,21-22,23,24,25+
ai.onnx Shrink:9+ Sigmoid:6-12,13+ Sign:9-12,13+ SimplifiedLayerNormalization:1+ Sin:7-21,22+ Sinh:9-21,22+
ai.onnx Size:1-12,13-18,19-20,21-22,23,24,25+ Slice:1-9,10,11-12,13+ Softmax:1-10,11-12,13+ Softplus:1-21,22+
ai.onnx Softsign:1-21,22+ SpaceToDepth:1-12,13+ Split:2-10,11-12,13-17,18+ SplitToSequence:11-23,24+
ai.onnx Sqrt:6-12,13+ Squeeze:1-10,11-12,13-20,21-22,23,24,25+ StringConcat:20+ StringNormalizer:10+
ai.onnx StringSplit:20+ Sub:7-12,13,14+ Sum:6-7,8-12,13+ Tan:7-21,22+ Tanh:6-12,13+ TensorScatter:24+
ai.onnx TfIdfVectorizer:9+ ThresholdedRelu:1-9,10-21,22+ Tile:6-12,13+ TopK:1-9,10,11-23,24+
ai.onnx Transpose:1-12,13-20,21-22,23,24,25+ Trilu:14+ Unique:11+ Unsqueeze:1-10,11-12,13-20,21-22,23,24,25+
ai.onnx Upsample:7-8,9 Where:9-15,16+ Xor:7+
ai.onnx.ml ArrayFeatureExtractor:1+ Binarizer:1+ CastMap:1+ CategoryMapper:1+ DictVectorizer:1+
ai.onnx.ml FeatureVectorizer:1+ Imputer:1+ LabelEncoder:1,2-3,4+ LinearClassifier:1+ LinearRegressor:1+
ai.onnx.ml Normalizer:1+ OneHotEncoder:1+ SVMClassifier:1+ SVMRegressor:1+ Scaler:1+ TreeEnsemble:5+
ai.onnx.ml TreeEnsembleClassifier:1-2,3+ TreeEnsembleRegressor:1-2,3+ ZipMap:1+
com.microsoft Attention:1+ AttnLSTM:1+ BeamSearch:1+ BiasGelu:1+ BifurcationDetector:1+ CDist:1+
com.microsoft CausalConvWithState:1+ ConvTransposeWithDynamicPads:1+ CropAndResize:1+
com.microsoft DecoderMaskedMultiHeadAttention:1+ DequantizeLinear:1+ DynamicQuantizeLSTM:1+
com.microsoft DynamicQuantizeMatMul:1+ DynamicTimeWarping:1+ EmbedLayerNormalization:1+ EngramGate:1+
com.microsoft ExpandDims:1+ FastGelu:1+ FusedConv:1+ FusedGemm:1+ FusedMatMul:1+ GatedAdd:1+ GatedRMSNorm:1+
com.microsoft GatherBlockQuantized:1+ GatherND:1+ Gelu:1+ GreedySearch:1+ GridSample:1+ GroupQueryAttention:1+
com.microsoft Inverse:1+ LinearAttention:1+ LinearAttentionGate:1+ MRotaryEmbedding:1+ MatMulBnb4:1+
com.microsoft MatMulFpQ4:1+ MatMulInteger16:1+ MatMulIntegerToFloat:1+ MatMulNBits:1+ MaxpoolWithMask:1+
com.microsoft MoE:1+ MultiHeadAttention:1+ MurmurHash3:1+ NGramHashMapping:1+ NGramRepeatBlock:1+
com.microsoft NhwcMaxPool:1+ Pad:1+ QAttention:1+ QEmbedLayerNormalization:1+ QGemm:1+ QLinearAdd:1+
com.microsoft QLinearAveragePool:1+ QLinearConcat:1+ QLinearConv:1+ QLinearGlobalAveragePool:1+
com.microsoft QLinearLeakyRelu:1+ QLinearMul:1+ QLinearSigmoid:1+ QLinearSoftmax:1+ QLinearWhere:1+ QMoE:1+
com.microsoft QuantizeLinear:1+ QuickGelu:1+ Range:1+ RotaryEmbedding:1+ SampleOp:1+ Sampling:1+
com.microsoft SkipLayerNormalization:1+ SkipSimplifiedLayerNormalization:1+ SparseAttention:1+
com.microsoft SparseToDenseMatMul:1+ Tokenizer:1+ TransposeMatMul:1+ Trilu:1+ UnfoldTensor:1+ Unique:1+
com.microsoft WhisperBeamSearch:1+ WordConvEmbedding:1+
com.microsoft.nchwc AveragePool:1+ Conv:1+ GlobalAveragePool:1+ GlobalMaxPool:1+ MaxPool:1+ ReorderInput:1+
com.microsoft.nchwc ReorderOutput:1+ Upsample:1+
`;
