//===- Augment.cpp - Training-time augmentation of one sample
//--------------===//
//
// Every augmentation is a geometric remapping of pixel positions (or zeroing,
// for cutout), drawn once per sample and applied identically to every channel
// and every time step, as neuromorphic data augmentation requires. We compose
// the transforms into one source-index map and apply it in a single pass.
//
// Randomness comes straight from the mt19937_64 output (whose sequence the
// standard fixes) rather than from std::uniform_*_distribution (whose
// algorithms differ between standard libraries), so a seed gives the same
// augmentations everywhere. Draw order: flip, crop, NDA transform, cutout.
//
//===----------------------------------------------------------------------===//

#include "qsnn/Data/Dataset.h"

#include <algorithm>
#include <cmath>

namespace qsnn::data {
namespace {

constexpr int32_t kOutside = -1; ///< Map entry for pixels that become zero.
constexpr double kPi = 3.14159265358979323846;

int64_t uniformInt(std::mt19937_64 &rng, int64_t low, int64_t high) {
  uint64_t range = uint64_t(high - low) + 1;
  return low + int64_t(rng() % range); // Bias below 2^-40 for our ranges.
}

double uniformReal(std::mt19937_64 &rng, double low, double high) {
  double unit = double(rng() >> 11) * 0x1.0p-53;
  return low + (high - low) * unit;
}

bool coinFlip(std::mt19937_64 &rng) { return rng() >> 63; }

/// Maps output pixel (y, x) to the pixel of the input it shows.
class PixelMap {
public:
  PixelMap(int64_t height, int64_t width)
      : height(height), width(width), source(height * width) {
    for (int64_t i = 0; i < height * width; ++i)
      source[i] = int32_t(i);
  }

  /// Composes a transform given as "output (y, x) shows (sy, sx) of the
  /// current image"; positions outside the image become zero.
  template <typename Transform> void compose(Transform sourceOf) {
    std::vector<int32_t> next(source.size());
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x) {
        int64_t sy, sx;
        sourceOf(y, x, sy, sx);
        bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        next[y * width + x] = inside ? source[sy * width + sx] : kOutside;
      }
    source = std::move(next);
  }

  void zeroSquare(int64_t top, int64_t left, int64_t side) {
    for (int64_t y = top; y < std::min(height, top + side); ++y)
      for (int64_t x = left; x < std::min(width, left + side); ++x)
        source[y * width + x] = kOutside;
  }

  void apply(const uint8_t *in, uint8_t *out, int64_t planes) const {
    const int64_t planeSize = height * width;
    for (int64_t p = 0; p < planes; ++p) {
      const uint8_t *inPlane = in + p * planeSize;
      uint8_t *outPlane = out + p * planeSize;
      for (int64_t i = 0; i < planeSize; ++i)
        outPlane[i] = source[i] == kOutside ? 0 : inPlane[source[i]];
    }
  }

private:
  int64_t height, width;
  std::vector<int32_t> source;
};

/// Nearest-neighbour inverse affine map about the image centre.
void composeAffine(PixelMap &map, int64_t height, int64_t width, double a,
                   double b, double c, double d) {
  const double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
  map.compose([&](int64_t y, int64_t x, int64_t &sy, int64_t &sx) {
    double dy = y - cy, dx = x - cx;
    sx = int64_t(std::lround(cx + a * dx + b * dy));
    sy = int64_t(std::lround(cy + c * dx + d * dy));
  });
}

/// NDA (Li et al. 2022): one of roll (±5 px at 48x48, scaled with the side,
/// wrapping around), rotation (±15°) or horizontal shear (factor ±0.3).
void composeNeuromorphic(PixelMap &map, int64_t height, int64_t width,
                         std::mt19937_64 &rng) {
  switch (uniformInt(rng, 0, 2)) {
  case 0: {
    int64_t maxRollX = std::max<int64_t>(1, (5 * width + 24) / 48);
    int64_t maxRollY = std::max<int64_t>(1, (5 * height + 24) / 48);
    int64_t rollX = uniformInt(rng, -maxRollX, maxRollX);
    int64_t rollY = uniformInt(rng, -maxRollY, maxRollY);
    map.compose([&](int64_t y, int64_t x, int64_t &sy, int64_t &sx) {
      sy = ((y - rollY) % height + height) % height;
      sx = ((x - rollX) % width + width) % width;
    });
    return;
  }
  case 1: {
    double angle = uniformReal(rng, -15.0, 15.0) * kPi / 180.0;
    double cosine = std::cos(angle), sine = std::sin(angle);
    composeAffine(map, height, width, cosine, sine, -sine, cosine);
    return;
  }
  default: {
    double shear = uniformReal(rng, -0.3, 0.3);
    composeAffine(map, height, width, 1.0, shear, 0.0, 1.0);
    return;
  }
  }
}

} // namespace

void augmentSample(const DataSplit &split, int64_t index, uint8_t *out,
                   const AugmentOptions &options, std::mt19937_64 &rng) {
  if (index < 0 || index >= split.size)
    throw DataError("augmentSample: sample " + std::to_string(index) +
                    " is out of range [0, " + std::to_string(split.size) + ")");
  if (options.cropPadding < 0 || options.cutout < 0)
    throw DataError("augmentSample: cropPadding and cutout must be >= 0");
  const int64_t height = split.height, width = split.width;
  PixelMap map(height, width);

  if (options.horizontalFlip && coinFlip(rng))
    map.compose([&](int64_t y, int64_t x, int64_t &sy, int64_t &sx) {
      sy = y;
      sx = width - 1 - x;
    });
  if (options.cropPadding > 0) {
    // Crop the original size out of the zero-padded image.
    int64_t top = uniformInt(rng, 0, 2 * options.cropPadding);
    int64_t left = uniformInt(rng, 0, 2 * options.cropPadding);
    map.compose([&](int64_t y, int64_t x, int64_t &sy, int64_t &sx) {
      sy = y + top - options.cropPadding;
      sx = x + left - options.cropPadding;
    });
  }
  if (options.neuromorphic)
    composeNeuromorphic(map, height, width, rng);
  if (options.cutout > 0) {
    // The square lies wholly inside the image, so exactly side² pixels zero.
    int64_t side = std::min({options.cutout, height, width});
    int64_t top = uniformInt(rng, 0, height - side);
    int64_t left = uniformInt(rng, 0, width - side);
    map.zeroSquare(top, left, side);
  }
  map.apply(split.sample(index), out, split.timeSteps * split.channels);
}

} // namespace qsnn::data
