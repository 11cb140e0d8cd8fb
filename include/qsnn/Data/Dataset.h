//===- Dataset.h - In-memory data sets for qsnn-train ------------*- C++ -*-===//
//
// The data sets the trainer reads, held in memory as uint8 exactly as a
// deployed model receives them: static images as pixels, event streams as
// per-bin event counts. Normalization happens in the model (docs/spec.md §4/§5),
// so the same bytes feed training, export test vectors and qsnn-run.
//
// This header and lib/Train/Data do not depend on LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_DATA_DATASET_H
#define QSNN_DATA_DATASET_H

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace qsnn::data {

/// Thrown for a missing, truncated or corrupt data file; the message names the
/// file and what is wrong with it.
class DataError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class InputKind { Static, Events };

/// One split. Static: samples are [N, C, H, W] uint8 pixels. Events: samples
/// are [N, T, C, H, W] uint8 event counts per time bin (saturated at 255),
/// C = 2 polarities.
struct DataSplit {
  InputKind kind = InputKind::Static;
  int64_t size = 0;
  int64_t timeSteps = 1; ///< T for events, 1 for static images.
  int64_t channels = 0, height = 0, width = 0;
  std::vector<uint8_t> samples;
  std::vector<int64_t> labels;

  int64_t sampleBytes() const {
    return timeSteps * channels * height * width;
  }
  const uint8_t *sample(int64_t i) const {
    return samples.data() + i * sampleBytes();
  }
};

struct DataSet {
  std::string name;
  int64_t numClasses = 0;
  std::vector<std::string> classNames; ///< Empty when the format has none.
  DataSplit train, test;
};

/// How an event stream is cut into T frames.
enum class EventBinning {
  ByCount, ///< T bins holding equal numbers of events (spikingjelly's
           ///< split_by='number', used by the paper's reference pipelines).
  ByTime,  ///< T equal time windows over the sample's span.
};

struct LoadOptions {
  std::string dataDir;       ///< Empty: the set's default location.
  int64_t timeSteps = 10;    ///< Bins for event data sets.
  int64_t eventSize = 0;     ///< Resize event frames to S×S (0: native).
  int64_t limitTrain = -1;   ///< Keep the first N training samples (-1: all).
  int64_t limitTest = -1;    ///< Keep the first N test samples (-1: all).
  /// False: read only the test split (the training split stays empty and
  /// its files are never opened), for tools that only score a model.
  bool loadTrain = true;
  EventBinning eventBinning = EventBinning::ByCount; ///< For event sets.
};

/// Where loadDataSet looks for `name` when LoadOptions::dataDir is empty:
/// fashion-mnist: $QSNN_DATA_DIR/fashion-mnist if that directory exists, else
/// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist); every
/// other set: $QSNN_DATA_DIR/<name> if QSNN_DATA_DIR is set, else
/// $XDG_CACHE_HOME/qsnn/data/<name> (XDG_CACHE_HOME defaults to ~/.cache).
/// Throws DataError for an unknown name.
std::string defaultDataDir(const std::string &name);

/// One DVS event: microsecond timestamp, sensor pixel, polarity (1 = ON).
struct Event {
  int64_t time = 0;
  uint16_t x = 0, y = 0;
  uint8_t polarity = 0;
};

/// How events become [T, 2, frameHeight, frameWidth] count frames. Channel 0
/// counts OFF events, channel 1 ON events. A frame smaller than the sensor
/// sum-pools counts: sensor pixel x lands in frame column x * frameWidth /
/// sensorWidth, so no event is lost to the resize.
struct EventFrameSpec {
  int64_t timeSteps = 10;
  int64_t sensorWidth = 128, sensorHeight = 128;
  int64_t frameWidth = 128, frameHeight = 128; ///< At most the sensor's.
  EventBinning binning = EventBinning::ByCount;
};

/// Writes the frames of events[0, count) (sorted by time) to `out`
/// (T * 2 * frameHeight * frameWidth bytes), counts saturated at 255. ByCount
/// puts the k-th event in bin k * T / count. ByTime splits [beginTime, endTime)
/// into T equal windows and ignores events outside it. Throws DataError for an
/// invalid spec or an event outside the sensor.
void binEvents(const Event *events, size_t count, int64_t beginTime,
               int64_t endTime, const EventFrameSpec &spec, uint8_t *out);

/// Names accepted by loadDataSet: fashion-mnist, mnist, cifar10, cifar100,
/// tinyimagenet, dvs-gesture, cifar10-dvs.
std::vector<std::string> knownDataSets();

/// Loads both splits. Throws DataError naming the file and the problem, or an
/// unknown set name with the list of known ones.
DataSet loadDataSet(const std::string &name, const LoadOptions &options);

/// The paper's training-time augmentation, applied to one sample.
struct AugmentOptions {
  bool horizontalFlip = false;
  int64_t cropPadding = 0; ///< Random crop after zero padding (0: off).
  int64_t cutout = 0;      ///< Side of a zeroed square (0: off).
  bool neuromorphic = false; ///< Event frames: random roll/rotate/cutout (NDA).
};

/// Writes an augmented copy of sample `index` of `split` to `out`
/// (split.sampleBytes() bytes).
void augmentSample(const DataSplit &split, int64_t index, uint8_t *out,
                   const AugmentOptions &options, std::mt19937_64 &rng);

} // namespace qsnn::data

#endif // QSNN_DATA_DATASET_H
