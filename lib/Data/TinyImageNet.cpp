//===- TinyImageNet.cpp - Tiny ImageNet 200 folder layout
//------------------===//
//
// The official tiny-imagenet-200.zip: wnids.txt (the 200 class ids),
// words.txt (id -> names), train/<wnid>/images/*.JPEG and
// val/val_annotations.txt naming the class of each val/images/*.JPEG. The
// test/ images have no labels, so the labelled val split is our test split.
//
// Labels index the wnids in sorted order (torchvision's ImageFolder
// convention), and training samples are interleaved across classes (class 0's
// first image, class 1's first image, ...) so that limitTrain keeps a
// class-balanced subset.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

namespace qsnn::data::detail {
namespace {

constexpr int64_t kSide = 64;
constexpr int64_t kSampleBytes = 3 * kSide * kSide;

struct LabelledImage {
  fs::path path;
  int64_t label;
};

bool isJpegName(const fs::path &path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return extension == ".jpeg" || extension == ".jpg";
}

fs::path findTinyImageNetRoot(const fs::path &dir) {
  std::error_code error;
  if (fs::is_regular_file(dir / "wnids.txt", error))
    return dir;
  if (fs::is_regular_file(dir / "tiny-imagenet-200" / "wnids.txt", error))
    return dir / "tiny-imagenet-200";
  requireDirectory(dir);
  failFile(dir / "wnids.txt",
           "missing file (also looked in tiny-imagenet-200/)");
}

/// The first synonym of each wnid in words.txt ("n01443537\tgoldfish, ...");
/// the wnid itself when words.txt is absent or lacks it.
std::vector<std::string> readClassNames(const fs::path &path,
                                        const std::vector<std::string> &wnids) {
  std::vector<std::string> names = wnids;
  std::error_code error;
  if (!fs::exists(path, error))
    return names;
  std::map<std::string, std::string> words;
  for (const std::string &line : readTextLines(path)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos)
      continue;
    std::string synonyms = line.substr(tab + 1);
    words[line.substr(0, tab)] = trim(synonyms.substr(0, synonyms.find(',')));
  }
  for (size_t i = 0; i < wnids.size(); ++i) {
    auto it = words.find(wnids[i]);
    if (it != words.end() && !it->second.empty())
      names[i] = it->second;
  }
  return names;
}

DataSplit decodeImages(const std::vector<LabelledImage> &images) {
  DataSplit split;
  split.kind = InputKind::Static;
  split.size = int64_t(images.size());
  split.channels = 3;
  split.height = split.width = kSide;
  split.samples.resize(images.size() * kSampleBytes);
  split.labels.resize(images.size());
  std::vector<uint8_t> rgb;
  for (size_t i = 0; i < images.size(); ++i) {
    const fs::path &path = images[i].path;
    int64_t width = 0, height = 0;
    decodeJpegRgb(path, readBinaryFile(path), width, height, rgb);
    if (width != kSide || height != kSide)
      failFile(path, "image is " + std::to_string(width) + "x" +
                         std::to_string(height) + ", expected 64x64");
    // Interleaved RGB -> planar [C, H, W].
    uint8_t *sample = split.samples.data() + i * kSampleBytes;
    for (int64_t p = 0; p < kSide * kSide; ++p)
      for (int64_t c = 0; c < 3; ++c)
        sample[c * kSide * kSide + p] = rgb[3 * p + c];
    split.labels[i] = images[i].label;
  }
  return split;
}

std::vector<LabelledImage>
listTrainImages(const fs::path &root, const std::vector<std::string> &wnids,
                int64_t limit) {
  std::vector<std::vector<fs::path>> perClass;
  for (const std::string &wnid : wnids) {
    std::vector<fs::path> files;
    for (const fs::path &file :
         listDirectory(root / "train" / wnid / "images", false))
      if (isJpegName(file))
        files.push_back(file);
    if (files.empty())
      failFile(root / "train" / wnid / "images", "no JPEG images");
    perClass.push_back(std::move(files));
  }
  std::vector<LabelledImage> images;
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (size_t label = 0; label < perClass.size(); ++label) {
      if (round >= perClass[label].size())
        continue;
      any = true;
      if (limit >= 0 && int64_t(images.size()) >= limit)
        return images;
      images.push_back({perClass[label][round], int64_t(label)});
    }
    if (!any)
      return images;
  }
}

std::vector<LabelledImage> listValImages(const fs::path &root,
                                         const std::vector<std::string> &wnids,
                                         int64_t limit) {
  fs::path annotations = root / "val" / "val_annotations.txt";
  std::vector<LabelledImage> images;
  int64_t lineNumber = 0;
  for (const std::string &line : readTextLines(annotations)) {
    ++lineNumber;
    std::vector<std::string> fields = splitFields(line, '\t');
    if (fields.size() < 2)
      failFile(annotations, "line " + std::to_string(lineNumber) +
                                ": expected <file>\\t<wnid>[\\t<box>], got '" +
                                line + "'");
    requirePlainFileName(annotations, "line " + std::to_string(lineNumber),
                         fields[0]);
    auto it = std::lower_bound(wnids.begin(), wnids.end(), fields[1]);
    if (it == wnids.end() || *it != fields[1])
      failFile(annotations, "line " + std::to_string(lineNumber) + ": class '" +
                                fields[1] + "' is not listed in wnids.txt");
    if (limit < 0 || int64_t(images.size()) < limit)
      images.push_back(
          {root / "val" / "images" / fields[0], int64_t(it - wnids.begin())});
  }
  if (images.empty() && limit != 0)
    failFile(annotations, "lists no images");
  return images;
}

} // namespace

DataSet loadTinyImageNet(const fs::path &dir, const LoadOptions &options) {
  fs::path root = findTinyImageNetRoot(dir);
  std::vector<std::string> wnids = readTextLines(root / "wnids.txt");
  std::sort(wnids.begin(), wnids.end());
  if (wnids.empty())
    failFile(root / "wnids.txt", "lists no classes");
  if (std::adjacent_find(wnids.begin(), wnids.end()) != wnids.end())
    failFile(root / "wnids.txt", "lists a class twice");

  DataSet set;
  set.name = "tinyimagenet";
  set.numClasses = int64_t(wnids.size());
  set.classNames = readClassNames(root / "words.txt", wnids);
  if (options.loadTrain)
    set.train = decodeImages(listTrainImages(root, wnids, options.limitTrain));
  set.test = decodeImages(listValImages(root, wnids, options.limitTest));
  return set;
}

} // namespace qsnn::data::detail
