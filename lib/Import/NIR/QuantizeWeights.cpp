//===- QuantizeWeights.cpp - post-training weight quantization ------------===//
//
// docs/spec.md §8.5: a synaptic layer of a NIR graph compiled for integer
// numerics gets binary weights when every output channel's weights are ±α
// for one α per channel, and int8 per-output-channel weights otherwise:
// s[o] = max|W[o]| / 127, q = clamp(rne(W / s[o]), -127, 127), all in
// float32 as python/qsnn/nir_reference.py computes them.
//
//===----------------------------------------------------------------------===//
#include "Emitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::nir_import;

namespace {

/// The weights as float32, the type the float artifact computes with.
std::vector<float> asFloats(const Param &w) {
  return std::vector<float>(w.values.begin(), w.values.end());
}

/// One α > 0 per output channel when every weight of the channel is ±α.
std::optional<std::vector<float>> binaryScales(const std::vector<float> &w,
                                               int64_t channels) {
  int64_t perChannel = static_cast<int64_t>(w.size()) / channels;
  std::vector<float> alpha(channels);
  for (int64_t o = 0; o < channels; ++o) {
    alpha[o] = std::fabs(w[o * perChannel]);
    if (!(alpha[o] > 0.0f))
      return std::nullopt;
    for (int64_t e = 0; e < perChannel; ++e)
      if (std::fabs(w[o * perChannel + e]) != alpha[o])
        return std::nullopt;
  }
  return alpha;
}

} // namespace

SynapticWeights Emitter::synapticWeights(const Param &w) {
  int64_t channels = w.shape.front();
  SynapticWeights result;
  if (!options.quantization) {
    result.weight = constant(w.shape, w.values);
    result.quant = WeightQuant::Float;
    return result;
  }
  std::vector<float> weights = asFloats(w);
  int64_t perChannel = static_cast<int64_t>(weights.size()) / channels;
  std::vector<double> levels(weights.size()), scales(channels);
  if (std::optional<std::vector<float>> alpha =
          binaryScales(weights, channels)) {
    for (size_t i = 0; i < weights.size(); ++i)
      levels[i] = weights[i] > 0.0f ? 1.0 : -1.0;
    scales.assign(alpha->begin(), alpha->end());
    result.quant = WeightQuant::Binary;
  } else {
    for (int64_t o = 0; o < channels; ++o) {
      float largest = 0.0f;
      for (int64_t e = 0; e < perChannel; ++e)
        largest = std::max(largest, std::fabs(weights[o * perChannel + e]));
      // An all-zero channel keeps q = 0 with any step; 1 avoids 0 / 0.
      float step = largest > 0.0f ? largest / 127.0f : 1.0f;
      for (int64_t e = 0; e < perChannel; ++e) {
        float q = std::nearbyint(weights[o * perChannel + e] / step);
        levels[o * perChannel + e] = std::clamp(q, -127.0f, 127.0f);
      }
      scales[o] = step;
    }
    result.quant = WeightQuant::Int8;
  }
  result.weight = constant(w.shape, levels);
  result.scale = constant({channels}, scales);
  return result;
}
