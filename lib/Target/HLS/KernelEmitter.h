//===- KernelEmitter.h - internals of the HLS C++ translation ---*- C++ -*-===//
//
// Arrays: every buffer of the loops-level function becomes one flat C array
// (a "root": the interface ports, static local arrays, static const ROM
// arrays); every memref value is a view of a root with a linear offset and
// static strides, so subviews, reshapes and reinterpret casts cost nothing.
//
// Scalars: a value of type iW lives in the smallest standard C type (bool
// for i1, int8_t..int64_t, int for index) holding its signed value (0/1 for
// i1). Arithmetic is done in int64_t and wrapped to W bits where the result
// could leave them; arrays of widths other than 1/8/16/32/64 use the
// `qsnn_iW` types, ap_int<W> under Vitis HLS.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TARGET_HLS_KERNELEMITTER_H
#define QSNN_LIB_TARGET_HLS_KERNELEMITTER_H

#include "qsnn/Analysis/IntegerRanges.h"
#include "qsnn/Target/HLS/HLS.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <set>
#include <string>

namespace mlir::qsnn::hls {

/// The tag ("L3_iconv2d") and source op of the first `#qsnn.layer` in the
/// metadata of `loc` (annotateLayers sets them).
std::optional<std::pair<std::string, std::string>> findLayer(Location loc);

using LayerRanges = llvm::StringMap<std::pair<int64_t, int64_t>>;

/// Exact ranges of the loops-level kernel's arrays and scalars (Widths.cpp):
/// accumulating arrays from their layers' ranges, everything else by
/// interval arithmetic from constants, ROM values and the arrays loaded.
class KernelRanges {
public:
  KernelRanges(ModuleOp module, func::FuncOp func, const LayerRanges &layers);
  /// The array behind `memref`: an alloc/view op, a memref.global op or a
  /// function argument (as opaque pointers); null if it cannot be traced.
  const void *arrayKey(Value memref) const;
  /// The range of every element ever stored in (or initializing) an array;
  /// none for interface arrays and arrays never stored to.
  std::optional<IntegerRange> arrayRange(const void *key) const;
  /// The range of a scalar; none while unknown.
  std::optional<IntegerRange> range(Value value);
  /// Bits of the smallest signed type holding `value`, at most `irBits`.
  unsigned bitsOf(Value value, unsigned irBits);

private:
  std::optional<IntegerRange> compute(Value value);
  std::optional<IntegerRange> storedRange(memref::StoreOp store,
                                          const void *key);
  std::optional<IntegerRange> layerRange(Operation *op) const;
  std::optional<IntegerRange> carriedRange(scf::ForOp loop, unsigned index);
  bool isAccumulation(Value value, const void *key) const;

  ModuleOp module;
  llvm::StringMap<IntegerRange> layerRanges;
  llvm::DenseMap<const void *, IntegerRange> arrays;
  mutable llvm::DenseSet<const void *> argumentKeys;
  llvm::DenseMap<Value, std::optional<IntegerRange>> cache;
  bool settled = false;
};

struct Root {
  enum Kind { Input, Output, Workspace, Local, Global };
  Kind kind = Local;
  std::string name;
  Type element;
  int64_t size = 0;
  std::string comment;
  /// Binary ROM stored one bit per weight (+1 -> 1) in 64-bit words.
  bool packed = false;
  /// ARRAY_PARTITION: 0 none, -1 complete, n > 1 cyclic factor n.
  int64_t partition = 0;
  /// Bits each element is stored with: the smallest signed width holding
  /// every value stored (KernelRanges), at most the IR's.
  unsigned bits = 0;
};

struct View {
  unsigned root = 0;
  int64_t offset = 0;                   // static part of the offset
  llvm::SmallVector<std::string> terms; // dynamic parts, C expressions
  llvm::SmallVector<int64_t> shape, strides;
};

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> contiguousStrides(llvm::ArrayRef<int64_t> shape);

/// `value` as a C literal of type int64_t.
std::string literal(int64_t value);

/// C type of a scalar of `type` (bool, int8_t, ..., int), or "" for types
/// the kernel cannot hold.
std::string scalarType(Type type);

/// Whether W bits fit a standard type exactly (1, 8, 16, 32, 64).
bool isStandardWidth(unsigned width);

class KernelEmitter {
public:
  KernelEmitter(ModuleOp module, func::FuncOp func, const EmitOptions &options,
                KernelStats &stats)
      : module(module), func(func), options(options), stats(stats) {}

  /// Writes the whole translation unit to `os`.
  LogicalResult emit(raw_ostream &os);

private:
  // Setup (KernelParts.cpp).
  LogicalResult collectInterface();
  LogicalResult collectGlobal(memref::GetGlobalOp op, View &view);
  unsigned addLocal(Operation *op, MemRefType type);
  void choosePartitions();
  std::string arrayType(Type element);
  std::string arrayType(const Root &root);
  /// The C type of a width: standard where it is 1/8/16/32/64 bits, else
  /// `qsnn_iW` (ap_int<W> under Vitis HLS).
  std::string widthType(unsigned width);
  /// The C type a scalar is declared with: the bits its range needs.
  std::string declType(Value value);
  unsigned storageBits(const void *key, Type element);
  void recordMultiply(arith::MulIOp op);
  void emitPreamble(raw_ostream &out);
  void emitGlobals(raw_ostream &out);
  void emitSignature(raw_ostream &out);
  void emitPragmasAndArrays(raw_indented_ostream &out);

  // Body (EmitKernel.cpp).
  LogicalResult emitBlock(Block &block);
  LogicalResult emitOp(Operation *op);
  LogicalResult emitFor(scf::ForOp op);
  void emitCarriedUpdate(scf::ForOp op, ArrayRef<std::string> carried);
  int64_t estimateCycles(scf::ForOp op, bool innermost, int64_t trip);
  LogicalResult emitIf(scf::IfOp op);
  LogicalResult emitArith(Operation *op);
  LogicalResult emitConstant(arith::ConstantOp constant);
  LogicalResult emitMemRef(Operation *op);
  LogicalResult emitBuffer(Operation *op);
  LogicalResult emitSubView(memref::SubViewOp sub);
  LogicalResult emitReshape(Operation *reshape);
  LogicalResult emitStridedMetadata(memref::ExtractStridedMetadataOp meta);
  LogicalResult emitReinterpretCast(memref::ReinterpretCastOp cast);
  LogicalResult emitLoad(memref::LoadOp op);
  LogicalResult emitStore(memref::StoreOp op);
  LogicalResult defineView(Value result, Value source, View view);
  std::string index(const View &view, ValueRange indices);
  std::string offsetExpr(const View &view);
  std::string signedValue(Value value);
  std::string unsignedValue(Value value);
  std::string wrap(std::string expr, Type type);
  void define(Value value, const std::string &expr, bool isConst = true);
  std::string newName(llvm::StringRef prefix);
  std::string loopLabel(Operation *op, unsigned depth);
  std::optional<int64_t> constantIndex(Value value);
  std::optional<int64_t> upperBound(Value value, unsigned depth = 0);
  int64_t estimateTrip(scf::ForOp op);
  int64_t chainDepth(Block &block);
  void banner(Operation *op);

  ModuleOp module;
  func::FuncOp func;
  const EmitOptions &options;
  KernelStats &stats;

  llvm::SmallVector<Root> roots;
  llvm::DenseMap<Value, View> views;
  llvm::DenseMap<Value, std::string> scalars;
  /// The declared C type of scalars defined as variables.
  llvm::DenseMap<Value, std::string> declared;
  std::unique_ptr<KernelRanges> ranges;
  llvm::DenseMap<Operation *, unsigned> localRoots;
  llvm::StringMap<unsigned> globalRoots;
  llvm::DenseMap<unsigned, DenseIntElementsAttr> romValues;
  llvm::StringSet<> usedNames;
  std::set<unsigned> usedWidths;
  llvm::DenseMap<Operation *, int64_t> loopCycles;
  std::string currentLayer;
  llvm::StringMap<unsigned> layerNests;
  unsigned depth = 0;
  unsigned nextValue = 0;
  std::string bodyText;
  std::unique_ptr<llvm::raw_string_ostream> bodyStream;
  std::unique_ptr<raw_indented_ostream> body;
};

} // namespace mlir::qsnn::hls

#endif // QSNN_LIB_TARGET_HLS_KERNELEMITTER_H
