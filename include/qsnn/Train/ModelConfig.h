//===- ModelConfig.h - Architecture and neuron hyperparameters --*- C++ -*-===//
//
// Everything needed to rebuild a trained network from its weights: the
// architecture, the neuron and quantizer settings of docs/spec.md §3 and the
// input normalization of §4. Stored as JSON inside every checkpoint so that
// `qsnn-train eval` and `export` need no other input.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_MODELCONFIG_H
#define QSNN_TRAIN_MODELCONFIG_H

#include "qsnn/Data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qsnn::train {

/// How latent binary weights are standardized before sign() (Eq. 14).
enum class WeightNorm { Layer, Channel, None };
/// Membrane levels per sign: `Signed` L = 2^(k-1)-1, `Paper` L = 2^k-1.
enum class LevelMode { Signed, Paper };
/// Whether the threshold compares the full-precision or quantized membrane.
enum class FireOn { Full, Quantized };

struct ModelConfig {
  std::string arch = "small";
  std::string dataset = "fashion-mnist";
  int64_t timeSteps = 4;
  int64_t membraneBits = 2; ///< 2, 4, 8, or 32 (no quantization).
  /// 1: binary hidden synapses, 8-bit first and last layer (the Q-SNN).
  /// 32: every synapse keeps float weights, no WS-DR, sign or 8-bit rounding
  /// (the paper's "32w" baselines); weightNorm is then unused.
  int64_t weightBits = 1;
  LevelMode levels = LevelMode::Signed;
  FireOn fireOn = FireOn::Full;
  WeightNorm weightNorm = WeightNorm::Channel;
  double tau = 0.5;
  double threshold = 1.0;
  int64_t numClasses = 10;
  qsnn::data::InputKind inputKind = qsnn::data::InputKind::Static;
  int64_t channels = 1, height = 28, width = 28;
  /// Per input channel, in pixel units: x = (p - zeroPoint[c]) * scale[c].
  /// zeroPoint is integer-valued. Empty for event inputs (raw counts).
  std::vector<float> zeroPoint, scale;
  std::vector<std::string> classNames;
};

/// Levels per sign L for k membrane bits, or 0 for k = 32 (unquantized).
int64_t membraneLevels(int64_t bits, LevelMode mode);

std::string toString(WeightNorm norm);
std::string toString(LevelMode mode);
std::string toString(FireOn fireOn);
std::string toString(qsnn::data::InputKind kind);
/// Parsers throw std::invalid_argument naming the bad value.
WeightNorm parseWeightNorm(const std::string &text);
LevelMode parseLevelMode(const std::string &text);
FireOn parseFireOn(const std::string &text);

/// Throws std::invalid_argument when a field is outside what §3 allows.
void validate(const ModelConfig &config);

std::string toJson(const ModelConfig &config);
/// Throws std::invalid_argument for malformed JSON or missing fields.
ModelConfig modelConfigFromJson(const std::string &json);

/// Normalization of §4: zero point = per-channel mean rounded to a whole
/// pixel value, scale = 1 / (255 * std). Static splits only.
void computeInputNormalization(const qsnn::data::DataSplit &train,
                               ModelConfig &config);

} // namespace qsnn::train

#endif // QSNN_TRAIN_MODELCONFIG_H
