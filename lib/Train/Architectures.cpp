//===- Architectures.cpp - ResNet19, VGG16, VGGSNN and small nets ---------===//
//
// Every architecture starts with an 8-bit conv (+BN+LIF) that reads the
// normalized input and ends with an 8-bit linear classifier; all layers in
// between have binary weights (docs/spec.md §3). With weightBits = 32 every
// layer keeps float weights instead (the full-precision baselines). Pooling
// is average pooling, so a deployed layer after it sees small spike counts
// (§4).
//
//===----------------------------------------------------------------------===//

#include "qsnn/Train/Network.h"

#include <stdexcept>

namespace qsnn::train {

namespace {

/// Accumulates stages while tracking the activation shape [C, H, W] or [F].
class Builder {
public:
  explicit Builder(const ModelConfig &config)
      : config_(config), lif_(lifOptionsFrom(config)),
        fullPrecision_(config.weightBits == 32), channels_(config.channels),
        height_(config.height), width_(config.width) {}

  void conv(int64_t out, int64_t stride = 1) {
    SynapseOptions options;
    options.in = channels_;
    options.out = out;
    options.stride = stride;
    options.quant = stages_.empty() ? edgeQuant() : hiddenQuant();
    options.weightNorm = config_.weightNorm;
    stages_.push_back(std::make_shared<SynapseUnit>(options, &lif_));
    channels_ = out;
    height_ = (height_ - 1) / stride + 1;
    width_ = (width_ - 1) / stride + 1;
  }

  void avgPool() {
    if (height_ < 2 || width_ < 2)
      throw std::invalid_argument("architecture '" + config_.arch +
                                  "': input too small for its pooling");
    stages_.push_back(std::make_shared<PoolStage>(PoolKind::Average, 2));
    height_ /= 2;
    width_ /= 2;
  }

  void globalAvgPool() {
    stages_.push_back(std::make_shared<PoolStage>(PoolKind::GlobalAverage, 1));
    height_ = width_ = 1;
  }

  void basicBlock(int64_t out, int64_t stride) {
    stages_.push_back(std::make_shared<BasicBlock>(
        channels_, out, stride, hiddenQuant(), config_.weightNorm, lif_));
    channels_ = out;
    height_ = (height_ - 1) / stride + 1;
    width_ = (width_ - 1) / stride + 1;
  }

  /// Flatten + 8-bit classifier with bias, no BN, no neuron.
  std::vector<std::shared_ptr<Stage>> classifier() {
    stages_.push_back(std::make_shared<FlattenStage>());
    SynapseOptions options;
    options.kind = SynapseKind::Linear;
    options.in = channels_ * height_ * width_;
    options.out = config_.numClasses;
    options.quant = edgeQuant();
    options.batchNorm = false;
    options.bias = true;
    stages_.push_back(std::make_shared<SynapseUnit>(options, nullptr));
    return std::move(stages_);
  }

private:
  /// The first and the last layer.
  WeightQuant edgeQuant() const {
    return fullPrecision_ ? WeightQuant::Float : WeightQuant::Int8;
  }
  WeightQuant hiddenQuant() const {
    return fullPrecision_ ? WeightQuant::Float : WeightQuant::Binary;
  }

  const ModelConfig &config_;
  LIFOptions lif_;
  bool fullPrecision_;
  int64_t channels_, height_, width_;
  std::vector<std::shared_ptr<Stage>> stages_;
};

constexpr int64_t kPool = -1;

std::vector<std::shared_ptr<Stage>>
vggStyle(const ModelConfig &config, const std::vector<int64_t> &layers) {
  Builder b(config);
  for (int64_t layer : layers)
    layer == kPool ? b.avgPool() : b.conv(layer);
  return b.classifier();
}

} // namespace

std::vector<std::string> knownArchitectures() {
  return {"tiny", "small", "vggsnn", "vgg16", "resnet19"};
}

std::vector<std::shared_ptr<Stage>>
buildArchitecture(const ModelConfig &config) {
  const std::string &arch = config.arch;
  if (arch == "tiny") // CI smoke tests: trains in seconds on one core.
    return vggStyle(config, {16, kPool, 32, kPool});
  if (arch == "small") // The net of docs/spec.md §2.10.
    return vggStyle(config, {32, kPool, 64, kPool, 128});
  if (arch == "vggsnn")
    return vggStyle(config, {64, 128, kPool, 256, 256, kPool, 512, 512, kPool,
                             512, 512, kPool});
  if (arch == "vgg16")
    return vggStyle(config,
                    {64, 64, kPool, 128, 128, kPool, 256, 256, 256, kPool, 512,
                     512, 512, kPool, 512, 512, 512, kPool});
  if (arch == "resnet19") {
    Builder b(config);
    b.conv(128);
    const int64_t widths[] = {128, 256, 512}, blocks[] = {3, 3, 2},
                  strides[] = {1, 2, 2};
    for (int stage = 0; stage < 3; ++stage)
      for (int64_t i = 0; i < blocks[stage]; ++i)
        b.basicBlock(widths[stage], i == 0 ? strides[stage] : 1);
    b.globalAvgPool();
    return b.classifier();
  }
  std::string known;
  for (const std::string &name : knownArchitectures())
    known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown architecture '" + arch +
                              "' (known: " + known + ")");
}

} // namespace qsnn::train
