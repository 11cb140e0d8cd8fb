//===- AugmentTest.cpp - Static and neuromorphic augmentation
//--------------===//

#include "TestFiles.h"

#include <algorithm>
#include <set>

namespace qsnn::data::test {
namespace {

/// One static image [C, H, W] whose pixels are all distinct and nonzero.
DataSplit staticSplit(int64_t channels, int64_t height, int64_t width) {
  DataSplit split;
  split.kind = InputKind::Static;
  split.size = 1;
  split.channels = channels;
  split.height = height;
  split.width = width;
  split.samples.resize(split.sampleBytes());
  for (size_t i = 0; i < split.samples.size(); ++i)
    split.samples[i] = uint8_t(1 + i % 250);
  split.labels = {0};
  return split;
}

/// Event frames [T, 2, S, S] where every plane holds the same pattern.
DataSplit eventSplit(int64_t timeSteps, int64_t side) {
  DataSplit split;
  split.kind = InputKind::Events;
  split.size = 1;
  split.timeSteps = timeSteps;
  split.channels = 2;
  split.height = split.width = side;
  split.samples.resize(split.sampleBytes());
  for (size_t i = 0; i < split.samples.size(); ++i)
    split.samples[i] = uint8_t(1 + (i % (side * side)) % 251);
  split.labels = {0};
  return split;
}

Bytes augment(const DataSplit &split, const AugmentOptions &options,
              std::mt19937_64 &rng) {
  Bytes out(split.sampleBytes());
  augmentSample(split, 0, out.data(), options, rng);
  return out;
}

Bytes mirrored(const DataSplit &split) {
  Bytes out(split.sampleBytes());
  const uint8_t *in = split.sample(0);
  for (int64_t p = 0; p < split.timeSteps * split.channels; ++p)
    for (int64_t y = 0; y < split.height; ++y)
      for (int64_t x = 0; x < split.width; ++x) {
        int64_t base = (p * split.height + y) * split.width;
        out[base + x] = in[base + split.width - 1 - x];
      }
  return out;
}

TEST(Augment, FlipIsAMirror) {
  DataSplit split = staticSplit(3, 6, 7);
  Bytes original(split.sample(0), split.sample(0) + split.sampleBytes());
  Bytes mirror = mirrored(split);
  ASSERT_NE(mirror, original);
  AugmentOptions options;
  options.horizontalFlip = true;
  std::mt19937_64 rng(7);
  int flips = 0;
  for (int i = 0; i < 200; ++i) {
    Bytes out = augment(split, options, rng);
    ASSERT_TRUE(out == original || out == mirror) << "draw " << i;
    flips += out == mirror;
  }
  EXPECT_GT(flips, 70); // A fair coin: 100 expected.
  EXPECT_LT(flips, 130);
}

TEST(Augment, NoOptionsAndZeroCropPaddingAreIdentity) {
  DataSplit split = staticSplit(1, 5, 5);
  Bytes original(split.sample(0), split.sample(0) + split.sampleBytes());
  AugmentOptions options;
  options.cropPadding = 0;
  std::mt19937_64 rng(1);
  EXPECT_EQ(augment(split, options, rng), original);
}

TEST(Augment, CropIsAZeroPaddedShift) {
  const int64_t side = 8, padding = 2;
  DataSplit split = staticSplit(2, side, side);
  const uint8_t *in = split.sample(0);
  AugmentOptions options;
  options.cropPadding = padding;
  std::mt19937_64 rng(3);
  std::set<std::pair<int64_t, int64_t>> shiftsSeen;
  for (int draw = 0; draw < 100; ++draw) {
    Bytes out = augment(split, options, rng);
    bool matched = false;
    for (int64_t dy = -padding; dy <= padding && !matched; ++dy)
      for (int64_t dx = -padding; dx <= padding && !matched; ++dx) {
        bool all = true;
        for (int64_t c = 0; c < 2 && all; ++c)
          for (int64_t y = 0; y < side && all; ++y)
            for (int64_t x = 0; x < side && all; ++x) {
              int64_t sy = y + dy, sx = x + dx;
              bool inside = sy >= 0 && sy < side && sx >= 0 && sx < side;
              uint8_t expected =
                  inside ? in[(c * side + sy) * side + sx] : uint8_t(0);
              all = out[(c * side + y) * side + x] == expected;
            }
        if (all) {
          matched = true;
          shiftsSeen.insert({dy, dx});
        }
      }
    ASSERT_TRUE(matched) << "draw " << draw << " is not a padded shift";
  }
  EXPECT_GT(shiftsSeen.size(), 15u); // Of the 25 possible shifts.
}

TEST(Augment, CutoutZerosExactlyASquare) {
  const int64_t side = 12, cut = 4;
  DataSplit split = staticSplit(3, side, side);
  AugmentOptions options;
  options.cutout = cut;
  std::mt19937_64 rng(11);
  for (int draw = 0; draw < 50; ++draw) {
    Bytes out = augment(split, options, rng);
    int64_t top = side, left = side, bottom = -1, right = -1, zeros = 0;
    for (int64_t y = 0; y < side; ++y)
      for (int64_t x = 0; x < side; ++x) {
        bool zero = out[y * side + x] == 0;
        for (int64_t c = 1; c < 3; ++c) // Same square in every channel.
          ASSERT_EQ(out[(c * side + y) * side + x] == 0, zero);
        if (!zero) {
          ASSERT_EQ(out[y * side + x], split.sample(0)[y * side + x]);
          continue;
        }
        ++zeros;
        top = std::min(top, y);
        bottom = std::max(bottom, y);
        left = std::min(left, x);
        right = std::max(right, x);
      }
    EXPECT_EQ(zeros, cut * cut);
    EXPECT_EQ(bottom - top + 1, cut);
    EXPECT_EQ(right - left + 1, cut);
  }
}

TEST(Augment, SameSeedSameResultDifferentSeedsDiffer) {
  DataSplit split = staticSplit(3, 16, 16);
  AugmentOptions options;
  options.horizontalFlip = true;
  options.cropPadding = 4;
  options.cutout = 5;
  std::mt19937_64 first(42), second(42), other(43);
  bool anyDifference = false;
  for (int i = 0; i < 10; ++i) {
    Bytes a = augment(split, options, first);
    EXPECT_EQ(a, augment(split, options, second));
    anyDifference |= a != augment(split, options, other);
  }
  EXPECT_TRUE(anyDifference);
}

TEST(Augment, KnownDrawsForAFixedSeed) {
  // Pins the draw sequence: a change in it silently changes every training
  // run, so it must be deliberate. Seed 5: crop offsets and cutout position.
  DataSplit split = staticSplit(1, 10, 10);
  AugmentOptions options;
  options.cutout = 3;
  std::mt19937_64 rng(5);
  Bytes out = augment(split, options, rng);
  std::mt19937_64 replay(5);
  int64_t top = int64_t(replay() % 8), left = int64_t(replay() % 8);
  for (int64_t y = 0; y < 10; ++y)
    for (int64_t x = 0; x < 10; ++x) {
      bool inSquare = y >= top && y < top + 3 && x >= left && x < left + 3;
      EXPECT_EQ(out[y * 10 + x] == 0, inSquare) << y << "," << x;
    }
}

TEST(Augment, NeuromorphicTransformIsSharedByAllFrames) {
  DataSplit split = eventSplit(5, 48);
  AugmentOptions options;
  options.neuromorphic = true;
  options.horizontalFlip = true;
  options.cutout = 8;
  std::mt19937_64 rng(9);
  const int64_t plane = 48 * 48;
  Bytes original(split.sample(0), split.sample(0) + plane);
  int changed = 0;
  for (int draw = 0; draw < 30; ++draw) {
    Bytes out = augment(split, options, rng);
    for (int64_t p = 1; p < 10; ++p)
      ASSERT_TRUE(
          std::equal(out.begin(), out.begin() + plane, out.begin() + p * plane))
          << "plane " << p << " differs from plane 0 in draw " << draw;
    changed += !std::equal(original.begin(), original.end(), out.begin());
  }
  EXPECT_EQ(changed, 30); // Cutout alone changes every draw.
}

TEST(Augment, RollWrapsAroundAndKeepsEveryEvent) {
  // Only roll preserves the multiset of values; over many draws one third
  // are rolls, so some outputs must be exact permutations of the input.
  DataSplit split = eventSplit(1, 48);
  AugmentOptions options;
  options.neuromorphic = true;
  std::mt19937_64 rng(21);
  Bytes sortedInput(split.sample(0), split.sample(0) + split.sampleBytes());
  std::sort(sortedInput.begin(), sortedInput.end());
  int permutations = 0;
  for (int draw = 0; draw < 60; ++draw) {
    Bytes out = augment(split, options, rng);
    std::sort(out.begin(), out.end());
    permutations += out == sortedInput;
  }
  EXPECT_GT(permutations, 5);
  EXPECT_LT(permutations, 45);
}

TEST(Augment, IndexOutOfRange) {
  DataSplit split = staticSplit(1, 4, 4);
  Bytes out(16);
  std::mt19937_64 rng(1);
  std::string message = dataErrorOf(
      [&] { augmentSample(split, 1, out.data(), AugmentOptions(), rng); });
  EXPECT_TRUE(containsAll(message, {"sample 1 is out of range [0, 1)"}));
}

} // namespace
} // namespace qsnn::data::test
