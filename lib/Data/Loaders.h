//===- Loaders.h - One reader per data set format ---------------*- C++ -*-===//
//
// Each reader loads both splits from a directory laid out as the set's
// official download (docs/datasets.md). Private to lib/Train/Data; the public
// entry point is loadDataSet.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TRAIN_DATA_LOADERS_H
#define QSNN_LIB_TRAIN_DATA_LOADERS_H

#include "DataIO.h"

namespace qsnn::data::detail {

/// MNIST-style idx files (train-images-idx3-ubyte[.gz] etc.), 10 classes.
DataSet loadIdxDataSet(const std::string &name, const fs::path &dir,
                       const LoadOptions &options,
                       std::vector<std::string> classNames);

/// CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin).
DataSet loadCifar10(const fs::path &dir, const LoadOptions &options);

/// CIFAR-100 binary version (train.bin, test.bin; fine labels).
DataSet loadCifar100(const fs::path &dir, const LoadOptions &options);

/// Tiny ImageNet 200 (wnids.txt, train/<wnid>/images, val/); the labelled
/// val split serves as the test split.
DataSet loadTinyImageNet(const fs::path &dir, const LoadOptions &options);

/// DVS128 Gesture (AEDAT 3.1 recordings cut by their *_labels.csv).
DataSet loadDvsGesture(const fs::path &dir, const LoadOptions &options);

/// CIFAR10-DVS (per-class folders of AEDAT 2.0 recordings).
DataSet loadCifar10Dvs(const fs::path &dir, const LoadOptions &options);

/// Decodes a baseline or progressive JPEG to interleaved 8-bit RGB (grayscale
/// images are replicated to three channels). Throws DataError naming `path`.
void decodeJpegRgb(const fs::path &path, const std::vector<uint8_t> &bytes,
                   int64_t &width, int64_t &height, std::vector<uint8_t> &rgb);

} // namespace qsnn::data::detail

#endif // QSNN_LIB_TRAIN_DATA_LOADERS_H
