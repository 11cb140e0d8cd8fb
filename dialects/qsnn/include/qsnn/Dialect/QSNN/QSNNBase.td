//===- QSNNBase.td - qsnn dialect definition ---------------*- tablegen -*-===//
//
// The qsnn dialect models Quantized Spiking Neural Networks: 1-bit synaptic
// weights and k-bit membrane potentials (docs/spec.md §3-§6).
//
//===----------------------------------------------------------------------===//

#ifndef QSNN_BASE_TD
#define QSNN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def QSNN_Dialect : Dialect {
  let name = "qsnn";
  let cppNamespace = "::mlir::qsnn";
  let summary = "Quantized Spiking Neural Networks";
  let description = [{
    Ops of a Q-SNN at the float level (the trained model as the paper defines
    it) and, later in the pipeline, at the integer level (the deployed model).

    Tensors inside the network keep time merged into the batch dimension,
    time-major: row `t * N + n` of a `[T*N, ...]` tensor is time step `t` of
    sample `n`. `qsnn.encode` enters this layout, `qsnn.readout` leaves it.
  }];
  let useDefaultAttributePrinterParser = 1;

  // The discardable attributes qsnn's importer and passes set, declared
  // once here: the dialect generates a typed accessor for each
  // (`get<Name>AttrHelper()`) and verifies their types wherever they
  // appear (docs/spec.md §6.3).
  let discardableAttrs = (ins
    // On the module (the importer, from ONNX metadata, docs/spec.md §5.9).
    "::mlir::IntegerAttr":$time_steps,
    "::mlir::StringAttr":$input_kind,
    "::mlir::ArrayAttr":$class_names,
    "::mlir::StringAttr":$model_name,
    "::mlir::ArrayAttr":$bound_inputs,
    "::mlir::IntegerAttr":$opset,
    // On integer ops: bits of a signed accumulator holding every value
    // (docs/spec.md §4.13).
    "::mlir::IntegerAttr":$acc_bits,
    // On the entry function after qsnn-plan-memory (docs/spec.md §6.8).
    "::mlir::IntegerAttr":$workspace_bytes,
    "::mlir::IntegerAttr":$activation_bytes,
    "::mlir::IntegerAttr":$scratch_bytes,
    "::mlir::IntegerAttr":$unplanned_bytes,
    // On entry-function arguments and results: the ONNX tensor name, the
    // dimension that indexes samples, the planned workspace argument.
    "::mlir::StringAttr":$name,
    "::mlir::IntegerAttr":$batch_dim,
    "::mlir::UnitAttr":$workspace
  );
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The loaded qsnn dialect of `context` (loading it if needed).
    static QSNNDialect &get(::mlir::MLIRContext *context) {
      return *context->getOrLoadDialect<QSNNDialect>();
    }
  }];
}

class QSNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QSNN_Dialect, mnemonic, traits>;

// The result `output` has the shape of `input` and the element type the C++
// expression `element` builds (from `ctx`, the context): ODS infers it.
class QSNN_ResultLikeInput<string element>
    : TypesMatchWith<"output has the shape of input", "input", "output",
        "::mlir::RankedTensorType::get("
        "::llvm::cast<::mlir::ShapedType>($_self).getShape(), [&] { "
        "::mlir::MLIRContext *ctx = $_self.getContext(); return " # element #
        "; }())">;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QSNN_WeightQuant : I32EnumAttr<"WeightQuant",
    "how a layer's synaptic weights are quantized", [
      I32EnumAttrCase<"Binary", 0, "binary">,
      I32EnumAttrCase<"Int8", 1, "int8">,
      I32EnumAttrCase<"Float", 2, "float">]> {
  let cppNamespace = "::mlir::qsnn";
  let genSpecializedAttr = 0;
}
def QSNN_WeightQuantAttr
    : EnumAttr<QSNN_Dialect, QSNN_WeightQuant, "weight_quant"> {
  let assemblyFormat = "$value";
}

def QSNN_Levels : I32EnumAttr<"Levels",
    "membrane quantization levels per sign", [
      I32EnumAttrCase<"Signed", 0, "signed">,
      I32EnumAttrCase<"Paper", 1, "paper">]> {
  let cppNamespace = "::mlir::qsnn";
  let genSpecializedAttr = 0;
}
def QSNN_LevelsAttr : EnumAttr<QSNN_Dialect, QSNN_Levels, "levels"> {
  let assemblyFormat = "$value";
}

def QSNN_FireOn : I32EnumAttr<"FireOn",
    "which membrane value the threshold compares", [
      I32EnumAttrCase<"Full", 0, "full">,
      I32EnumAttrCase<"Quantized", 1, "quantized">]> {
  let cppNamespace = "::mlir::qsnn";
  let genSpecializedAttr = 0;
}
def QSNN_FireOnAttr : EnumAttr<QSNN_Dialect, QSNN_FireOn, "fire_on"> {
  let assemblyFormat = "$value";
}

def QSNN_Reset : I32EnumAttr<"Reset", "membrane reset after a spike", [
      I32EnumAttrCase<"Hard", 0, "hard">,
      I32EnumAttrCase<"Subtract", 1, "subtract">,
      I32EnumAttrCase<"None", 2, "none">]> {
  let cppNamespace = "::mlir::qsnn";
  let genSpecializedAttr = 0;
}
def QSNN_ResetAttr : EnumAttr<QSNN_Dialect, QSNN_Reset, "reset"> {
  let assemblyFormat = "$value";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def QSNN_LayerAttr : AttrDef<QSNN_Dialect, "Layer"> {
  let mnemonic = "layer";
  let summary = "The qsnn-level layer a lowered operation comes from";
  let description = [{
    A location's metadata (`loc(fused<#qsnn.layer<...>>[...])`): the HLS
    target tags each qsnn op with its layer before lowering, and since the
    loops lowered from an op keep its location, every loop and buffer of the
    kernel knows its layer. `tag` (e.g. `L3_iconv2d_conv2`) labels loops and
    buffers; `source` is the op and its types, for comments.
  }];
  let parameters = (ins StringRefParameter<"label of loops and buffers">:$tag,
                        StringRefParameter<"the op and its types">:$source);
  let assemblyFormat = "`<` $tag `,` $source `>`";
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def QSNN_FloatTensor : RankedTensorOf<[F32]>;
def QSNN_FloatVector : 1DTensorOf<[F32]>;
def QSNN_PixelTensor : RankedTensorOf<[UI8, F32]>;
// Values ops of both levels carry: float activations, spikes (i1), integer
// sums and currents.
def QSNN_AnyValueTensor : RankedTensorOf<[F32, I1, I8, I16, I32, I64]>;
def QSNN_IntTensor : RankedTensorOf<[I1, I8, I16, I32, I64]>;

#endif // QSNN_BASE_TD
