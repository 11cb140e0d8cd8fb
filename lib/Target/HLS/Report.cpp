//===- Report.cpp - <name>_report.json and .md ----------------------------===//
//
// What the HLS kernel needs and does: ROM bits of the weights (model bit
// widths and as emitted), membrane state bits, per-layer accumulator widths
// from the range analysis, MACs and popcounts per inference, and the cycle
// estimate under the chosen pipelining.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Target/HLS/HLS.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;
using namespace mlir::qsnn::hls;

namespace {

struct Totals {
  int64_t weightRomBits = 0, constantRomBits = 0, macs = 0, binaryMacs = 0,
          popcountWords = 0, peakStateBits = 0, stateBits = 0;
};

Totals total(const std::vector<LayerInfo> &layers) {
  Totals t;
  for (const LayerInfo &l : layers) {
    t.weightRomBits += l.weightRomBits;
    t.constantRomBits += l.constantRomBits;
    t.macs += l.macs;
    t.binaryMacs += l.binaryMacs;
    t.popcountWords += l.popcountWords;
    t.stateBits += l.stateBits;
    t.peakStateBits = std::max(t.peakStateBits, l.stateBits);
  }
  return t;
}

/// The widest element the kernel stores for a layer (its arrays are named
/// after its tag), 0 if it has none.
int64_t storedBits(const LayerInfo &layer, const KernelStats &stats) {
  unsigned bits = 0;
  for (const ArrayInfo &array : stats.arrays)
    if (array.kind != "rom" && StringRef(array.name).starts_with(layer.tag) &&
        array.name.size() > layer.tag.size() &&
        array.name[layer.tag.size()] == '_')
      bits = std::max(bits, array.bits);
  return bits;
}

const std::vector<MultiplyInfo> &multipliesOf(const LayerInfo &layer,
                                              const KernelStats &stats) {
  static const std::vector<MultiplyInfo> none;
  auto it = stats.layerMultiplies.find(layer.tag);
  return it == stats.layerMultiplies.end() ? none : it->second;
}

llvm::json::Array multiplyJSON(const std::vector<MultiplyInfo> &list) {
  llvm::json::Array out;
  for (const MultiplyInfo &m : list)
    out.push_back(llvm::json::Object{
        {"bits", llvm::json::Array{int64_t(m.wideBits), int64_t(m.narrowBits)}},
        {"constant_operand", m.constantOperand},
        {"sites", m.sites},
        {"fits_one_dsp", m.fitsDSP()}});
  return out;
}

/// "25x14 (2), 8x2 const" for the tables.
std::string multiplyText(const std::vector<MultiplyInfo> &list) {
  std::string text;
  for (const MultiplyInfo &m : list) {
    if (!text.empty())
      text += ", ";
    text += std::to_string(m.wideBits) + "x" + std::to_string(m.narrowBits) +
            (m.constantOperand ? " const" : "") +
            (m.sites > 1 ? " (" + std::to_string(m.sites) + ")" : "");
  }
  return text.empty() ? "-" : text;
}

int64_t overOneDSP(const KernelStats &stats) {
  int64_t count = 0;
  for (const auto &entry : stats.layerMultiplies)
    for (const MultiplyInfo &m : entry.getValue())
      count += m.fitsDSP() ? 0 : m.sites;
  return count;
}

int64_t cyclesOf(const LayerInfo &layer, const KernelStats &stats) {
  auto it = stats.layerCycles.find(layer.tag);
  return it == stats.layerCycles.end() ? 0 : it->second;
}

} // namespace

std::string hls::renderReportJSON(const qsnn::ModelDescription &d,
                                  const EmitOptions &options,
                                  const std::vector<LayerInfo> &layers,
                                  const KernelStats &stats) {
  Totals t = total(layers);
  llvm::json::Array layerArray;
  for (const LayerInfo &l : layers)
    layerArray.push_back(llvm::json::Object{
        {"tag", l.tag},
        {"op", l.op},
        {"signature", l.signature},
        {"range", llvm::json::Array{l.lo, l.hi}},
        {"accumulator_bits", int64_t(l.accBits)},
        {"ir_bits", int64_t(l.irBits)},
        {"macs", l.macs},
        {"binary_macs", l.binaryMacs},
        {"popcount_words", l.popcountWords},
        {"weight_rom_bits", l.weightRomBits},
        {"constant_rom_bits", l.constantRomBits},
        {"state_bits_per_sample", l.stateBits},
        {"estimated_cycles", cyclesOf(l, stats)},
        {"stored_bits", storedBits(l, stats)},
        {"multiplies", multiplyJSON(multipliesOf(l, stats))}});
  llvm::json::Array arrayList;
  for (const ArrayInfo &a : stats.arrays)
    arrayList.push_back(llvm::json::Object{{"name", a.name},
                                           {"kind", a.kind},
                                           {"elements", a.elements},
                                           {"ir_bits", int64_t(a.irBits)},
                                           {"bits", int64_t(a.bits)}});
  llvm::json::Object root{
      {"name", options.name},
      {"top", options.name + "_top"},
      {"model_name", d.modelName},
      {"numerics", "integer"},
      {"batch", d.batch},
      {"time_steps", d.timeSteps},
      {"num_classes", d.numClasses},
      {"readout_frac_bits", d.readoutFracBits},
      {"interface", options.interface == Interface::Axi ? "axi" : "memory"},
      {"ii", int64_t(options.ii)},
      {"dataflow", options.dataflow},
      {"rom", llvm::json::Object{{"weight_bits", t.weightRomBits},
                                 {"constant_bits", t.constantRomBits},
                                 {"kernel_bits", stats.romBits}}},
      {"membranes",
       llvm::json::Object{{"peak_state_bits_per_sample", t.peakStateBits},
                          {"peak_state_bits", t.peakStateBits * d.batch},
                          {"all_layers_state_bits_per_sample", t.stateBits},
                          {"kernel_bits", stats.membraneRamBits}}},
      {"kernel_ram_bits", stats.ramBits},
      {"per_inference",
       llvm::json::Object{{"macs", t.macs},
                          {"binary_macs", t.binaryMacs},
                          {"popcount_words", t.popcountWords}}},
      {"cycles",
       llvm::json::Object{{"estimated_latency", stats.totalCycles},
                          {"estimated_dataflow_interval", stats.maxNestCycles},
                          {"pipelined_loops", stats.pipelinedLoops}}},
      {"widths",
       llvm::json::Object{{"int64_scalars", stats.int64Scalars},
                          {"int64_arrays", stats.int64Arrays},
                          {"multiplies_over_one_dsp", overOneDSP(stats)}}},
      {"arrays", std::move(arrayList)},
      {"layers", std::move(layerArray)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return text;
}

std::string hls::renderReportMarkdown(const qsnn::ModelDescription &d,
                                      const EmitOptions &options,
                                      const std::vector<LayerInfo> &layers,
                                      const KernelStats &stats) {
  Totals t = total(layers);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "# HLS kernel `" << options.name << "_top`\n\n"
     << "Integer numerics (docs/spec.md §4), batch " << d.batch
     << ", T = " << d.timeSteps << ", " << d.numClasses
     << " classes, readout F = " << d.readoutFracBits << ". Interface "
     << (options.interface == Interface::Axi ? "m_axi + s_axilite"
                                             : "ap_memory")
     << ", PIPELINE II=" << options.ii << " on " << stats.pipelinedLoops
     << " innermost loops" << (options.dataflow ? ", DATAFLOW" : "") << ".\n\n"
     << "| quantity | value |\n| --- | --- |\n"
     << "| weight ROM (model bit widths) | " << t.weightRomBits << " bits |\n"
     << "| per-channel constants | " << t.constantRomBits << " bits |\n"
     << "| ROM as emitted (packed binary, int8, i64 constants) | "
     << stats.romBits << " bits |\n"
     << "| peak membrane state per sample | " << t.peakStateBits << " bits |\n"
     << "| membrane arrays in the kernel | " << stats.membraneRamBits
     << " bits |\n"
     << "| all kernel arrays (buffers + membranes) | " << stats.ramBits
     << " bits |\n"
     << "| int8 MACs per inference | " << t.macs << " |\n"
     << "| binary MACs per inference | " << t.binaryMacs << " |\n"
     << "| 64-bit popcounts per inference (packed spikes) | " << t.popcountWords
     << " |\n"
     << "| estimated latency | " << stats.totalCycles << " cycles |\n"
     << "| estimated DATAFLOW interval | " << stats.maxNestCycles
     << " cycles |\n"
     << "| 64-bit scalars / arrays declared (besides the interface) | "
     << stats.int64Scalars << " / " << stats.int64Arrays << " |\n"
     << "| multiplies wider than one DSP (27 x 18) | " << overOneDSP(stats)
     << " |\n\n"
     << "| layer | op | result range | acc bits | IR bits | stored bits | "
        "MACs | binary MACs | popcounts | state bits | multiplies | cycles "
        "|\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | "
        "--- |\n";
  for (const LayerInfo &l : layers)
    os << "| " << l.tag << " | " << l.op << " | [" << l.lo << ", " << l.hi
       << "] | " << l.accBits << " | " << l.irBits << " | "
       << storedBits(l, stats) << " | " << l.macs << " | " << l.binaryMacs
       << " | " << l.popcountWords << " | " << l.stateBits << " | "
       << multiplyText(multipliesOf(l, stats)) << " | " << cyclesOf(l, stats)
       << " |\n";
  os << "\nCycles are estimates: a pipelined loop takes II per iteration "
        "plus its\ndependence depth, an outer loop repeats its body. The "
        "accumulator bits\nare exact bounds from the weights (range "
        "analysis). The kernel stores\nevery array and scalar with the bits "
        "its range needs (stored bits:\nthe widest array of the layer); "
        "multiplies list their operand bits.\n";
  return text;
}
