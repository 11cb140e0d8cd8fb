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
}

class QSNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QSNN_Dialect, mnemonic, traits>;

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
      I32EnumAttrCase<"Hard", 0, "hard">]> {
  let cppNamespace = "::mlir::qsnn";
  let genSpecializedAttr = 0;
}
def QSNN_ResetAttr : EnumAttr<QSNN_Dialect, QSNN_Reset, "reset"> {
  let assemblyFormat = "$value";
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
