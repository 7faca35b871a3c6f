/**
 * Kernels the CPU execution provider registers in onnxruntime 1.30.0 (the version onnxruntime-node pins here), read
 * from the onnxruntime 1.30.0 Python wheel (cp311, manylinux_2_28) through its get_all_opkernel_def(): the registered
 * kernels of that build, not a hand copy. After each `@`, the element types those kernels take for the op's input 0
 * (their type constraint for input 0's type parameter in the op's schema, from get_all_operator_schema()). Regenerate
 * with `python tools/ort-kernel-list.py CPUExecutionProvider` against the next pinned version.
 */
export const cpuKernelList = `
# CPUExecutionProvider, onnxruntime 1.30.0
ai.onnx Abs:6-12,13+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 Acos:7-21,22+@f32 Acosh:9-21,22+@f32
ai.onnx Add:7-12,13@f32,f64,i32,i64,u32,u64 Add:14+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 Affine:1+@f32
ai.onnx AffineGrid:20+@f32,f64 And:7+@bool ArgMax:1-10,11-12,13+@f32,f64,i8,i32,i64,u8
ai.onnx ArgMin:1-10,11-12,13+@f32,f64,i8,i32,i64,u8 Asin:7-21,22+@f32 Asinh:9-21,22+@f32 Atan:7-21,22+@f32
ai.onnx Atanh:9-21,22+@f32 Attention:23,24+@f32,f16 AveragePool:7-9,10,11-18,19-21,22+@f32
ai.onnx BatchNormalization:7-8,9-13,14,15+@f32,f64 BitCast:26+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx BitShift:11+@u8,u32,u64 BitwiseAnd:18+@i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx BitwiseNot:18+@i8,i16,i32,i64,u8,u16,u32,u64 BitwiseOr:18+@i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx BitwiseXor:18+@i8,i16,i32,i64,u8,u16,u32,u64 BlackmanWindow:17+@i32,i64
ai.onnx Cast:6-12,13-18,19-20,21-22,23@f32,f16,bf16,f64,i2,i4,i8,i16,i32,i64,u2,u4,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Cast:24,25+@f32,f16,bf16,f64,i2,i4,i8,i16,i32,i64,u2,u4,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz,fp8e8
ai.onnx Ceil:6-12,13+@f32,f64 Celu:12+@f32 Clip:6-10,11@f32 Clip:12,13+@f32,f16,f64,i8,i32,i64,u8,u32,u64
ai.onnx Col2Im:18+@f32 Compress:9-10,11+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Concat:4-10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str ConcatFromSequence:11+
ai.onnx ConstantOfShape:9-19,20,21-22,23,24,25+@i64 Conv:1-10,11-21,22+@f32 ConvInteger:10+@i8,u8
ai.onnx ConvTranspose:1-10,11-21,22+@f32 Cos:7-21,22+@f32,f64 Cosh:9-21,22+@f32 Crop:1+@f32
ai.onnx CumProd:26+@f32,f64,i32,i64,u32,u64 CumSum:11-13,14+@f32,f64,i32,i64 DFT:17-19,20+@f32,f64
ai.onnx DeformConv:19-21,22+@f32,f64 DepthToSpace:1-10@f32,f64 DepthToSpace:11-12,13+@f32,f64,i8,u8
ai.onnx DequantizeLinear:10-12,13-18@i8,i32,u8 DequantizeLinear:19-20@i8,i32,u8,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx DequantizeLinear:21-22,23,24@i4,i8,i16,i32,u4,u8,u16,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx DequantizeLinear:25+@i2,i4,i8,i16,i32,u2,u4,u8,u16,fp8,fp8uz,fp8e5,fp8e5uz Det:11-21,22+@f32
ai.onnx Div:7-12,13@f32,f64,i32,i64,u32,u64 Div:14+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx Dropout:7-9,10-11@f32,f16,f64 Dropout:12,13-21,22+@f32,f64 DynamicQuantizeLinear:11+
ai.onnx DynamicSlice:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Einsum:12+@f32,f64,i32,i64
ai.onnx Elu:6-21,22+@f32 Equal:7-10@f32,f64,i32,i64,bool
ai.onnx Equal:11-12,13-18@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Equal:19+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Erf:9-12,13+@f32 Exp:6-12,13+@f32,f64
ai.onnx Expand:8-12,13+@f32,f16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx EyeLike:9-21,22+@f32,f64,i32,i64,u64
ai.onnx Flatten:1-8,9-10,11-12,13-20,21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Floor:6-12,13+@f32,f64 GRU:7-13,14-21,22+@f32,f64
ai.onnx Gather:1-10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx GatherElements:11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx GatherND:11,12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Gelu:20+@f32
ai.onnx Gemm:7-8,9-10,11-12,13+@f32,f64 GlobalAveragePool:1-21,22+@f32 GlobalLpPool:2+@f32
ai.onnx GlobalMaxPool:1-21,22+@f32 Greater:7-8@f32,f64 Greater:9-12,13+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx GreaterOrEqual:12-15,16+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 GridSample:16-19@f32
ai.onnx GridSample:20-21,22+@f32,f64 HammingWindow:17+@i32,i64 HannWindow:17+@i32,i64 HardSigmoid:6-21,22+@f32
ai.onnx Hardmax:1-10,11-12,13+@f32
ai.onnx Identity:1-12,13,14-15,16-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Identity:19-20,21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx If:1-10,11-12,13-15,16-18,19-20,21-22,23,24,25+@bool ImageScaler:1+@f32
ai.onnx InstanceNormalization:6-21,22+@f32 IsInf:10-19@f32,f64
ai.onnx IsInf:20+@f32,f16,bf16,f64,fp8,fp8uz,fp8e5,fp8e5uz IsNaN:9-12,13-19@f32,f16,f64
ai.onnx IsNaN:20+@f32,f16,bf16,f64,fp8,fp8uz,fp8e5,fp8e5uz LRN:1-12,13+@f32 LSTM:7-13,14-21,22+@f32,f64
ai.onnx LayerNormalization:1-16,17+@f32,f16,bf16,f64 LeakyRelu:6-15,16+@f32 Less:7-8@f32,f64
ai.onnx Less:9-12,13+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx LessOrEqual:12-15,16+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 Log:6-12,13+@f32,f64
ai.onnx LogSoftmax:1-10,11-12,13+@f32,f64 Loop:1-10,11-12,13-15,16-18,19-20,21-22,23,24,25+@i64
ai.onnx LpNormalization:1-21,22+@f32,f64 LpPool:2-10,11-17,18-21,22+@f32 MatMul:1-8@f32,f64
ai.onnx MatMul:9-12,13+@f32,f64,i32,i64,u32,u64 MatMulInteger:10+@i8,u8 Max:6-7@f32 Max:8-11@f32,f64
ai.onnx Max:12,13+@f32,f16,f64,i8,i32,i64,u8,u32,u64 MaxPool:1-7@f32 MaxPool:8-11@f32,f64
ai.onnx MaxPool:12-21,22+@f32,f64,i8,u8 MaxRoiPool:1+@f32 MaxUnpool:9-10,11-21,22+@f32 Mean:6-7,8-12,13+@f32
ai.onnx MeanVarianceNormalization:1-8,9-12,13+@f32 MelWeightMatrix:17+@i32,i64
ai.onnx MemcpyFromHost:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx MemcpyToHost:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Min:6-7@f32 Min:8-11@f32,f64 Min:12,13+@f32,f16,f64,i8,i32,i64,u8,u32,u64
ai.onnx Mod:10-12,13+@f32,f16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Mul:7-12,13@f32,f64,i32,i64,u32,u64
ai.onnx Mul:14+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 Multinomial:7+@f32 Neg:6-12,13+@f32,f64,i8,i16,i32,i64
ai.onnx NonMaxSuppression:10,11+ NonZero:9-12,13+@f32,i32,i64,u8,bool Not:1+@bool OneHot:9-10,11+@f32,i32,i64
ai.onnx Optional:15+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str OptionalGetElement:15-17
ai.onnx OptionalGetElement:18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx OptionalHasElement:15-17
ai.onnx OptionalHasElement:18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Or:7+@bool
ai.onnx PRelu:7-8,9-15,16+@f32 Pad:2-10@f32,f64 Pad:11-12@f32,f64,i8,i32,i64,u8,u32,u64
ai.onnx Pad:13-17,18,19-20,21-22,23,24,25+@f32,f64,i8,i32,i64,u8,u32,u64,bool ParametricSoftplus:1+@f32
ai.onnx Pow:7-11@f32,f64 Pow:12,13-14,15+@f32,f64,i32,i64 QLinearConv:10+@i8,u8 QLinearMatMul:10-20,21+@i8,u8
ai.onnx QuantizeLinear:10-12,13-18@f32 QuantizeLinear:19-20,21-22,23,24,25+@f32,f16
ai.onnx RMSNormalization:23+@f32,f16,f64 RNN:7-13,14-21,22+@f32 RandomNormal:1+
ai.onnx RandomNormalLike:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str RandomUniform:1+
ai.onnx RandomUniformLike:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Range:11-26,27+@f32,f64,i16,i32,i64 Reciprocal:6-12,13+@f32,f64
ai.onnx ReduceL1:1-10,11-12,13-17,18+@f32,f64,i32,i64 ReduceL2:1-10,11-12,13-17,18+@f32,f64,i32,i64
ai.onnx ReduceLogSum:1-10,11-12,13-17,18+@f32,f64,i32,i64 ReduceLogSumExp:1-10,11-12,13-17,18+@f32,f64,i32,i64
ai.onnx ReduceMax:1-10,11@f32,f64,i32,i64 ReduceMax:12,13-17,18-19@f32,f64,i8,i32,i64,u8
ai.onnx ReduceMax:20+@f32,f64,i8,i32,i64,u8,bool ReduceMean:1-10,11-12,13-17,18+@f32,f64,i32,i64
ai.onnx ReduceMin:1-10,11@f32,f64,i32,i64 ReduceMin:12,13-17,18-19@f32,f64,i8,i32,i64,u8
ai.onnx ReduceMin:20+@f32,f64,i8,i32,i64,u8,bool ReduceProd:1-10,11-12,13-17,18+@f32,f64,i32,i64
ai.onnx ReduceSum:1-10,11-12,13+@f32,f64,i32,i64 ReduceSumSquare:1-10,11-12,13-17,18+@f32,f64,i32,i64
ai.onnx RegexFullMatch:20+@str Relu:6-12,13@f32,f64 Relu:14+@f32,f64,i8,i32
ai.onnx Reshape:1-4,5-12,13,14-18,19-20@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Reshape:21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Resize:10,11-12,13-17,18,19+@f32,i8,i32,u8
ai.onnx ReverseSequence:10+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str RoiAlign:10-15,16+@f32,f64
ai.onnx RotaryEmbedding:23+@f32,f16 Round:11-21,22+@f32,f16,f64 STFT:17+@f32,f64 Scale:1+@f32
ai.onnx ScaledTanh:1+@f32 Scan:8@i64
ai.onnx Scan:9-10,11-15,16-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Scan:19-20,21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Scatter:9-10@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx ScatterElements:11-12,13-15,16-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx ScatterND:11-12,13-15,16-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Selu:6-21,22+@f32 SequenceAt:11+
ai.onnx SequenceConstruct:11+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str SequenceEmpty:11+
ai.onnx SequenceErase:11+ SequenceInsert:11+ SequenceLength:11+
ai.onnx Shape:1-12,13-14,15-18,19-20@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Shape:21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Shrink:9+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Sigmoid:6-12,13+@f32,f64
ai.onnx Sign:9-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx SimplifiedLayerNormalization:1+@f32,f16,bf16,f64 Sin:7-21,22+@f32,f64 Sinh:9-21,22+@f32
ai.onnx Size:1-12,13-18,19-20,21-22,23,24,25+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Slice:1-9,10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Softmax:1-10,11-12,13+@f32,f64 Softplus:1-21,22+@f32 Softsign:1-21,22+@f32
ai.onnx SpaceToDepth:1-12,13+@f32,f64,i8,u8
ai.onnx Split:2-10,11-12,13-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx SplitToSequence:11-23,24+@f32,f16,f64,i32,i64,bool,str Sqrt:6-12,13+@f32,f64
ai.onnx Squeeze:1-10,11-12,13-20,21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx StringConcat:20+@str StringNormalizer:10+ StringSplit:20+@str Sub:7-12,13@f32,f64,i32,i64,u32,u64
ai.onnx Sub:14+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64 Sum:6-7,8-12,13+@f32,f64 Tan:7-21,22+@f32
ai.onnx Tanh:6-12,13+@f32,f64 TensorScatter:24+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx TfIdfVectorizer:9+@i32,i64,str ThresholdedRelu:1-9,10-21,22+@f32
ai.onnx Tile:6-12,13+@f32,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str TopK:1-9,10@f32,f64
ai.onnx TopK:11-23,24+@f32,f64,i8,i16,i32,i64,u8
ai.onnx Transpose:1-12,13-20@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Transpose:21-22,23,24@f32,f16,bf16,f64,i4,i8,i16,i32,i64,u4,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Transpose:25+@f32,f16,bf16,f64,i2,i4,i8,i16,i32,i64,u2,u4,u8,u16,u32,u64,bool,str,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Trilu:14+@f32,f64,i32,i64,bool Unique:11+@f32,f64,i8,i64,str
ai.onnx Unsqueeze:1-10,11-12,13-20,21-22,23,24,25+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Upsample:7-8,9@f32,i8,i32,u8 Where:9-15,16+ Xor:7+@bool
ai.onnx.ml ArrayFeatureExtractor:1+@f32,f64,i32,i64,str Binarizer:1+@f32 CastMap:1+ CategoryMapper:1+@i64,str
ai.onnx.ml DictVectorizer:1+ FeatureVectorizer:1+@f32,f64,i32,i64 Imputer:1+@f32,i64 LabelEncoder:1@i64,str
ai.onnx.ml LabelEncoder:2-3@f32,i64,str LabelEncoder:4+@f32,f64,i64,str LinearClassifier:1+@f32,f64,i32,i64
ai.onnx.ml LinearRegressor:1+@f32 Normalizer:1+@f32,f64,i32,i64 OneHotEncoder:1+@f32,f64,i64,str
ai.onnx.ml SVMClassifier:1+@f32,f64,i32,i64 SVMRegressor:1+@f32 Scaler:1+@f32,f64,i32,i64
ai.onnx.ml TreeEnsemble:5+@f32,f64 TreeEnsembleClassifier:1-2,3+@f32,f64,i32,i64
ai.onnx.ml TreeEnsembleRegressor:1-2,3+@f32,f64 ZipMap:1+
com.microsoft Attention:1+@f32 AttnLSTM:1+@f32,f64 BeamSearch:1+ BiasGelu:1+@f32 BifurcationDetector:1+@i64
com.microsoft CDist:1+@f32,f64 CausalConvWithState:1+@f32 ConvTransposeWithDynamicPads:1+@f32
com.microsoft CropAndResize:1+@f32 DecoderMaskedMultiHeadAttention:1+@f32
com.microsoft DequantizeLinear:1+@i4,i8,i16,i32,u4,u8,u16 DynamicQuantizeLSTM:1+@f32
com.microsoft DynamicQuantizeMatMul:1+@f32 DynamicTimeWarping:1+@f32 EmbedLayerNormalization:1+
com.microsoft EngramGate:1+@f32,f16 ExpandDims:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
com.microsoft FastGelu:1+@f32 FusedConv:1+@f32 FusedGemm:1+@f32 FusedMatMul:1+@f32,f64 GatedAdd:1+@f32,f16
com.microsoft GatedRMSNorm:1+@f32,f16 GatherBlockQuantized:1+@i4,u4,u8
com.microsoft GatherND:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Gelu:1+@f32 GreedySearch:1+
com.microsoft GridSample:1+@f32 GroupQueryAttention:1+@f32,f16 Inverse:1+@f32,f16,f64 LinearAttention:1+@f32
com.microsoft LinearAttentionGate:1+@f32,f16 MRotaryEmbedding:1+@f32,f16 MatMulBnb4:1+@f32 MatMulFpQ4:1+@f32
com.microsoft MatMulInteger16:1+@i16 MatMulIntegerToFloat:1+@i8,u8 MatMulNBits:1+@f32,f16
com.microsoft MaxpoolWithMask:1+@f32 MoE:1+@f32 MultiHeadAttention:1+@f32
com.microsoft MurmurHash3:1+@f32,f64,i32,i64,u32,u64,str NGramHashMapping:1+@i32,i64 NGramRepeatBlock:1+@i64
com.microsoft NhwcMaxPool:1+@i8,u8 Pad:1+@f32 QAttention:1+@u8 QEmbedLayerNormalization:1+ QGemm:1+@i8,u8
com.microsoft QLinearAdd:1+@i8,u8 QLinearAveragePool:1+ QLinearConcat:1+ QLinearConv:1+@i8,u8
com.microsoft QLinearGlobalAveragePool:1+ QLinearLeakyRelu:1+@i8,u8 QLinearMul:1+@i8,u8
com.microsoft QLinearSigmoid:1+@i8,u8 QLinearSoftmax:1+@i8,u8 QLinearWhere:1+ QMoE:1+@f32,f16
com.microsoft QuantizeLinear:1+@f32 QuickGelu:1+@f32 Range:1+@f32,f64,i16,i32,i64 RotaryEmbedding:1+@f32,f16
com.microsoft SampleOp:1+@f32 Sampling:1+ SkipLayerNormalization:1+@f32,f16,bf16,f64
com.microsoft SkipSimplifiedLayerNormalization:1+@f32,f16,bf16,f64 SparseAttention:1+@f32,f16
com.microsoft SparseToDenseMatMul:1+ Tokenizer:1+@str TransposeMatMul:1+@f32 Trilu:1+@f32,f64,i64
com.microsoft UnfoldTensor:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str Unique:1+@f32
com.microsoft WhisperBeamSearch:1+ WordConvEmbedding:1+@i32
com.microsoft.nchwc AveragePool:1+@f32 Conv:1+@f32 GlobalAveragePool:1+@f32 GlobalMaxPool:1+@f32
com.microsoft.nchwc MaxPool:1+@f32 ReorderInput:1+@f32 ReorderOutput:1+@f32 Upsample:1+@f32
`;
