//===- ModelConfig.cpp - Architecture and neuron hyperparameters ----------===//

#include "qsnn/Train/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace qsnn::train {

int64_t membraneLevels(int64_t bits, LevelMode mode) {
  if (bits == 32)
    return 0;
  return mode == LevelMode::Signed ? (int64_t{1} << (bits - 1)) - 1
                                   : (int64_t{1} << bits) - 1;
}

std::string toString(WeightNorm norm) {
  switch (norm) {
  case WeightNorm::Layer:
    return "layer";
  case WeightNorm::Channel:
    return "channel";
  case WeightNorm::None:
    return "none";
  }
  return "?";
}

std::string toString(LevelMode mode) {
  return mode == LevelMode::Signed ? "signed" : "paper";
}

std::string toString(FireOn fireOn) {
  return fireOn == FireOn::Full ? "full" : "quantized";
}

std::string toString(qsnn::data::InputKind kind) {
  return kind == qsnn::data::InputKind::Static ? "static" : "events";
}

WeightNorm parseWeightNorm(const std::string &text) {
  for (WeightNorm norm :
       {WeightNorm::Layer, WeightNorm::Channel, WeightNorm::None})
    if (toString(norm) == text)
      return norm;
  throw std::invalid_argument("unknown weight norm '" + text +
                              "' (layer, channel, none)");
}

LevelMode parseLevelMode(const std::string &text) {
  for (LevelMode mode : {LevelMode::Signed, LevelMode::Paper})
    if (toString(mode) == text)
      return mode;
  throw std::invalid_argument("unknown levels '" + text + "' (signed, paper)");
}

FireOn parseFireOn(const std::string &text) {
  for (FireOn fireOn : {FireOn::Full, FireOn::Quantized})
    if (toString(fireOn) == text)
      return fireOn;
  throw std::invalid_argument("unknown fire-on '" + text +
                              "' (full, quantized)");
}

static qsnn::data::InputKind parseInputKind(const std::string &text) {
  for (qsnn::data::InputKind kind :
       {qsnn::data::InputKind::Static, qsnn::data::InputKind::Events})
    if (toString(kind) == text)
      return kind;
  throw std::invalid_argument("unknown input kind '" + text + "'");
}

void validate(const ModelConfig &config) {
  auto fail = [](const std::string &what) {
    throw std::invalid_argument(what);
  };
  const int64_t k = config.membraneBits;
  if (k != 2 && k != 4 && k != 8 && k != 32)
    fail("membrane bits must be 2, 4, 8 or 32, got " + std::to_string(k));
  if (config.weightBits != 1 && config.weightBits != 32)
    fail("weight bits must be 1 or 32, got " +
         std::to_string(config.weightBits));
  if (config.timeSteps < 1)
    fail("time steps must be >= 1");
  if (config.numClasses < 2)
    fail("a classifier needs at least 2 classes");
  if (config.channels < 1 || config.height < 1 || config.width < 1)
    fail("input shape must be positive");
  if (config.inputKind == qsnn::data::InputKind::Static &&
      (config.zeroPoint.size() != static_cast<size_t>(config.channels) ||
       config.scale.size() != static_cast<size_t>(config.channels)))
    fail("static input needs one zero point and scale per channel");
}

std::string toJson(const ModelConfig &config) {
  nlohmann::json j;
  j["arch"] = config.arch;
  j["dataset"] = config.dataset;
  j["time_steps"] = config.timeSteps;
  j["membrane_bits"] = config.membraneBits;
  j["weight_bits"] = config.weightBits;
  j["levels"] = toString(config.levels);
  j["fire_on"] = toString(config.fireOn);
  j["weight_norm"] = toString(config.weightNorm);
  j["tau"] = config.tau;
  j["threshold"] = config.threshold;
  j["num_classes"] = config.numClasses;
  j["input_kind"] = toString(config.inputKind);
  j["input_shape"] = {config.channels, config.height, config.width};
  j["zero_point"] = config.zeroPoint;
  j["scale"] = config.scale;
  j["class_names"] = config.classNames;
  return j.dump();
}

ModelConfig modelConfigFromJson(const std::string &text) {
  ModelConfig config;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    config.arch = j.at("arch").get<std::string>();
    config.dataset = j.at("dataset").get<std::string>();
    config.timeSteps = j.at("time_steps").get<int64_t>();
    config.membraneBits = j.at("membrane_bits").get<int64_t>();
    // Checkpoints written before full-precision weights existed are Q-SNNs.
    config.weightBits = j.value("weight_bits", int64_t{1});
    config.levels = parseLevelMode(j.at("levels").get<std::string>());
    config.fireOn = parseFireOn(j.at("fire_on").get<std::string>());
    config.weightNorm = parseWeightNorm(j.at("weight_norm").get<std::string>());
    config.tau = j.at("tau").get<double>();
    config.threshold = j.at("threshold").get<double>();
    config.numClasses = j.at("num_classes").get<int64_t>();
    config.inputKind = parseInputKind(j.at("input_kind").get<std::string>());
    auto shape = j.at("input_shape").get<std::vector<int64_t>>();
    if (shape.size() != 3)
      throw std::invalid_argument("input_shape must have 3 entries");
    config.channels = shape[0];
    config.height = shape[1];
    config.width = shape[2];
    config.zeroPoint = j.at("zero_point").get<std::vector<float>>();
    config.scale = j.at("scale").get<std::vector<float>>();
    config.classNames = j.at("class_names").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception &e) {
    throw std::invalid_argument(std::string("malformed model config: ") +
                                e.what());
  }
  validate(config);
  return config;
}

void computeInputNormalization(const qsnn::data::DataSplit &train,
                               ModelConfig &config) {
  const int64_t c = train.channels, plane = train.height * train.width;
  std::vector<double> sum(c, 0.0), sumSq(c, 0.0);
  for (int64_t i = 0; i < train.size; ++i) {
    const uint8_t *pixels = train.sample(i);
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < plane; ++p) {
        double v = pixels[ch * plane + p] / 255.0;
        sum[ch] += v;
        sumSq[ch] += v * v;
      }
  }
  config.zeroPoint.assign(c, 0.0f);
  config.scale.assign(c, 1.0f);
  const double count = static_cast<double>(train.size * plane);
  for (int64_t ch = 0; ch < c && count > 0; ++ch) {
    double mean = sum[ch] / count;
    double std = std::sqrt(std::max(sumSq[ch] / count - mean * mean, 0.0));
    // The mean rounded to a multiple of 1/255, in pixel units: an integer
    // zero point keeps the deployed first layer exact (docs/spec.md §4).
    config.zeroPoint[ch] = static_cast<float>(std::round(mean * 255.0));
    config.scale[ch] = static_cast<float>(1.0 / (255.0 * std::max(std, 1e-3)));
  }
}

} // namespace qsnn::train
