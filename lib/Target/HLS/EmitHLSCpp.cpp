//===- EmitHLSCpp.cpp - the HLS C++ translation unit ----------------------===//
//
// Assembles the kernel: header comment, the type preamble (ap_int under
// Vitis HLS, standard integers for g++), ROM arrays, the top function with
// its INTERFACE / ARRAY_PARTITION / DATAFLOW pragmas, buffers and the body.
// Registers `qsnn-translate --emit-hls-cpp`.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn::hls;

void KernelEmitter::choosePartitions() {
  // Accesses per array in one iteration of each pipelined loop: a dual-port
  // memory serves two, more need a cyclic split. Tiny arrays become
  // registers.
  func.walk([&](scf::ForOp loop) {
    bool innermost = true;
    loop.getBody()->walk([&](scf::ForOp) { innermost = false; });
    if (!innermost)
      return;
    llvm::DenseMap<unsigned, int64_t> accesses;
    loop.getBody()->walk([&](Operation *op) {
      if (auto load = dyn_cast<memref::LoadOp>(op))
        ++accesses[views.lookup(load.getMemRef()).root];
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        ++accesses[views.lookup(store.getMemRef()).root];
    });
    for (auto [index, count] : accesses) {
      Root &root = roots[index];
      if (count <= 2 || root.packed ||
          (root.kind != Root::Local && root.kind != Root::Global))
        continue;
      int64_t factor = llvm::PowerOf2Ceil((count + 1) / 2);
      if (root.partition >= 0)
        root.partition = std::max(root.partition, factor);
    }
  });
  for (Root &root : roots)
    if ((root.kind == Root::Local || root.kind == Root::Global) &&
        !root.packed && root.size <= 16)
      root.partition = -1;
    else if (root.partition >= root.size)
      root.partition = -1;
}

void KernelEmitter::emitPreamble(raw_ostream &out) {
  out << "#include <stdint.h>\n";
  if (!options.headerName.empty())
    out << "#include \"" << options.headerName << "\"\n";
  out << "\n// Integer types: ap_int<W> under Vitis HLS (or wherever ap_int.h\n"
         "// is found), else the smallest standard type holding W bits, so "
         "the\n// same file compiles with g++ for C simulation. Arrays and "
         "scalars\n// take the bits their proven range needs; arithmetic is "
         "done in\n// int64_t and narrowed where it is stored.\n";
  out << "\n// HLS pragmas: QSNN_HLS(X) is `#pragma HLS X` when Vitis HLS "
         "synthesizes\n// (_Pragma, the documented form inside macros) and "
         "nothing for C\n// simulation, so g++ -Wall -Werror sees no unknown "
         "pragmas. Loop labels\n// name the layer and depth.\n"
         "#ifdef __SYNTHESIS__\n"
         "#define QSNN_HLS_PRAGMA(text) _Pragma(#text)\n"
         "#define QSNN_HLS(text) QSNN_HLS_PRAGMA(HLS text)\n"
         "#else\n#define QSNN_HLS(text)\n#endif\n"
         "#if !defined(__SYNTHESIS__) && defined(__GNUC__)\n"
         "#pragma GCC diagnostic ignored \"-Wunused-label\"\n#endif\n\n";
  out << "#if defined(__SYNTHESIS__) || __has_include(<ap_int.h>)\n"
         "#include <ap_int.h>\n";
  for (unsigned width : usedWidths)
    out << (width == 1 ? "typedef ap_uint<1> qsnn_u1;\n"
                       : "typedef ap_int<" + std::to_string(width) +
                             "> qsnn_i" + std::to_string(width) + ";\n");
  out << "#else\n";
  for (unsigned width : usedWidths)
    out << "typedef "
        << (width == 1
                ? "bool"
                : scalarType(IntegerType::get(module.getContext(), width)))
        << (width == 1 ? " qsnn_u1;\n"
                       : " qsnn_i" + std::to_string(width) + ";\n");
  out << "#endif\n";
  auto uses = [&](StringRef helper) {
    return StringRef(bodyText).contains(helper);
  };
  if (uses("qsnn_wrap<"))
    out << "\n// x wrapped to W bits and sign-extended: MLIR's iW "
           "arithmetic.\ntemplate <int W> static inline int64_t "
           "qsnn_wrap(int64_t x) {\n  return (int64_t)((uint64_t)x << (64 - "
           "W)) >> (64 - W);\n}\n";
  if (uses("qsnn_floordiv("))
    out << "\nstatic inline int64_t qsnn_floordiv(int64_t a, int64_t b) {\n"
           "  const int64_t q = a / b;\n"
           "  return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q;\n}\n";
  if (uses("qsnn_popcount("))
    out << "\nstatic inline int64_t qsnn_popcount(uint64_t x) {\n"
           "  x = x - ((x >> 1) & 0x5555555555555555ULL);\n"
           "  x = (x & 0x3333333333333333ULL) + ((x >> 2) & "
           "0x3333333333333333ULL);\n"
           "  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;\n"
           "  return (int64_t)((x * 0x0101010101010101ULL) >> 56);\n}\n";
  if (uses("qsnn_sign_bit("))
    out << "\n// A binary weight stored as one bit: 1 is +1, 0 is -1.\n"
           "static inline int8_t qsnn_sign_bit(const uint64_t words[], int "
           "i) {\n  return ((words[i >> 6] >> (i & 63)) & 1) ? 1 : -1;\n}\n";
}

void KernelEmitter::emitGlobals(raw_ostream &out) {
  for (auto [index, root] : llvm::enumerate(roots)) {
    if (root.kind != Root::Global)
      continue;
    DenseIntElementsAttr values = romValues.lookup(index);
    SmallVector<int64_t> flat;
    for (const APInt &v : values.getValues<APInt>())
      flat.push_back(root.element.isInteger(1) ? int64_t(v.getZExtValue())
                                               : v.getSExtValue());
    out << "\n// ROM " << root.comment;
    if (root.packed) {
      out << ": " << root.size
          << " binary weights, one bit each (1 = +1, 0 = -1)\n";
      SmallVector<uint64_t> words(llvm::divideCeil(root.size, 64), 0);
      for (auto [i, v] : llvm::enumerate(flat))
        if (v == 1)
          words[i / 64] |= uint64_t(1) << (i % 64);
      out << "static const uint64_t " << root.name << "[" << words.size()
          << "] = {";
      for (auto [i, word] : llvm::enumerate(words))
        out << (i % 4 ? " " : "\n    ")
            << llvm::format("0x%016llxULL", (unsigned long long)word) << ",";
      out << "\n};\n";
      continue;
    }
    stats.int64Arrays += arrayType(root) == "int64_t";
    out << "\nstatic const " << arrayType(root) << " " << root.name << "["
        << root.size << "] = {";
    for (auto [i, v] : llvm::enumerate(flat))
      out << (i % 12 ? " " : "\n    ") << literal(v) << ",";
    out << "\n};\n";
  }
}

void KernelEmitter::emitSignature(raw_ostream &out) {
  out << "void " << options.name << "_top(const uint8_t in[" << roots[0].size
      << "], int64_t out[" << roots[1].size << "])";
}

void KernelEmitter::emitPragmasAndArrays(raw_indented_ostream &out) {
  int64_t inDepth = roots[0].size, outDepth = roots[1].size;
  if (options.interface == Interface::Axi) {
    out << "QSNN_HLS(INTERFACE mode=m_axi port=in offset=slave bundle=gmem0 "
           "depth="
        << inDepth << ")\n";
    out << "QSNN_HLS(INTERFACE mode=m_axi port=out offset=slave bundle=gmem1 "
           "depth="
        << outDepth << ")\n";
    out << "QSNN_HLS(INTERFACE mode=s_axilite port=in bundle=control)\n"
           "QSNN_HLS(INTERFACE mode=s_axilite port=out bundle=control)\n"
           "QSNN_HLS(INTERFACE mode=s_axilite port=return bundle=control)\n";
  } else {
    out << "QSNN_HLS(INTERFACE mode=ap_memory port=in storage_type=rom_1p)\n"
           "QSNN_HLS(INTERFACE mode=ap_memory port=out storage_type=ram_1p)\n"
           "QSNN_HLS(INTERFACE mode=ap_ctrl_hs port=return)\n";
  }
  if (options.dataflow)
    out << "QSNN_HLS(DATAFLOW)\n";
  for (const Root &root : roots) {
    if (root.partition == 0)
      continue;
    out << "QSNN_HLS(ARRAY_PARTITION variable=" << root.name
        << (root.partition < 0
                ? std::string(" type=complete")
                : " type=cyclic factor=" + std::to_string(root.partition))
        << ")\n";
  }
  bool first = true;
  for (const Root &root : roots) {
    if (root.kind != Root::Local)
      continue;
    if (first)
      out << "\n// Buffers: static arrays (no dynamic memory), one memory "
             "each.\n";
    first = false;
    stats.int64Arrays += arrayType(root) == "int64_t";
    out << "static " << arrayType(root) << " " << root.name << "[" << root.size
        << "]; // " << root.comment << "\n";
  }
}

LogicalResult KernelEmitter::emit(raw_ostream &os) {
  ranges = std::make_unique<KernelRanges>(module, func, options.layerRanges);
  if (failed(collectInterface()))
    return failure();
  bodyStream = std::make_unique<llvm::raw_string_ostream>(bodyText);
  body = std::make_unique<raw_indented_ostream>(*bodyStream);
  body->indent();
  if (failed(emitBlock(func.getBody().front())))
    return failure();
  if (!isa<func::ReturnOp>(func.getBody().front().getTerminator()))
    return func.emitError("HLS: the entry function must end in a return");
  bodyStream->flush();
  choosePartitions();
  // Pre-render the ROM arrays: their types register the widths the
  // preamble declares.
  std::string rom;
  llvm::raw_string_ostream romStream(rom);
  emitGlobals(romStream);
  std::string arrays;
  llvm::raw_string_ostream arrayStream(arrays);
  raw_indented_ostream arrayOut(arrayStream);
  arrayOut.indent();
  emitPragmasAndArrays(arrayOut);

  std::string banner =
      "//===- " + options.name + ".cpp - HLS kernel generated by qsnn ";
  // Padded to 80 columns like every banner.
  banner.resize(std::max<size_t>(banner.size(), 75), '-');
  os << banner
     << "===//\n"
        "//\n// Top function "
     << options.name << "_top: input " << roots[0].comment
     << " as uint8, output " << roots[1].comment
     << " (int64 integer\n// logits). Interface: "
     << (options.interface == Interface::Axi ? "m_axi + s_axilite"
                                             : "ap_memory")
     << "; PIPELINE II=" << options.ii << " on innermost loops"
     << (options.dataflow ? "; DATAFLOW" : "")
     << ".\n// No dynamic memory, recursion, STL or floating point.\n//\n"
        "//===--------------------------------------------------------------"
        "--------===//\n";
  emitPreamble(os);
  os << rom << "\n";
  emitSignature(os);
  os << " {\n" << arrays << bodyText << "}\n";
  return success();
}

LogicalResult hls::emitHLSCpp(ModuleOp module, raw_ostream &os,
                              const EmitOptions &options, KernelStats *stats) {
  auto func = module.lookupSymbol<func::FuncOp>(options.functionName);
  if (!func || func.isExternal())
    return module.emitError("HLS: no function '")
           << options.functionName << "' with a body";
  KernelStats local;
  KernelEmitter emitter(module, func, options, stats ? *stats : local);
  return emitter.emit(os);
}

void hls::registerEmitHLSCppTranslation() {
  static llvm::cl::opt<std::string> name(
      "hls-name", llvm::cl::desc("HLS: the top function is NAME_top"),
      llvm::cl::init("model"));
  static llvm::cl::opt<std::string> function(
      "hls-function", llvm::cl::desc("HLS: the entry function to translate"),
      llvm::cl::init("forward"));
  static llvm::cl::opt<unsigned> ii(
      "hls-ii", llvm::cl::desc("HLS: PIPELINE II of innermost loops"),
      llvm::cl::init(1));
  static llvm::cl::opt<std::string> interface(
      "hls-interface",
      llvm::cl::desc("HLS: axi (m_axi + s_axilite) or memory (ap_memory)"),
      llvm::cl::init("axi"));
  static llvm::cl::opt<bool> dataflow(
      "hls-dataflow", llvm::cl::desc("HLS: DATAFLOW on the top function"));
  TranslateFromMLIRRegistration registration(
      "emit-hls-cpp", "translate loops-level integer IR to HLS C++",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("HLS: expected a module");
        if (interface != "axi" && interface != "memory")
          return module.emitError("--hls-interface must be axi or memory");
        if (ii < 1)
          return module.emitError("--hls-ii must be at least 1");
        EmitOptions options;
        options.name = name;
        options.functionName = function;
        options.ii = ii;
        options.interface =
            interface == "axi" ? Interface::Axi : Interface::Memory;
        options.dataflow = dataflow;
        return emitHLSCpp(module, os, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<arith::ArithDialect, func::FuncDialect,
                        math::MathDialect, memref::MemRefDialect,
                        scf::SCFDialect, qsnn::QSNNDialect>();
      });
}
