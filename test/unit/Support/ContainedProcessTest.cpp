//===- ContainedProcessTest.cpp - work in a forked child ------------------===//
//
// Every way a child can end, as the importers see it. The crashes they
// contain are test/Import/NIR/errors.test (damaged-heap, HDF5) and
// test/Import/shape-inference-crash.test (onnx shape inference).
//
//===----------------------------------------------------------------------===//
#include "qsnn/Support/ContainedProcess.h"

#include <csignal>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace qsnn::support;

namespace {

TEST(ContainedProcess, ReturnsTheChildsAnswer) {
  ContainedResult run = runContained([] { return std::string("a\0b", 3); },
                                     /*timeLimitSeconds=*/60, 16);
  EXPECT_EQ(run.failure, "");
  EXPECT_EQ(run.answer, std::string("a\0b", 3));
}

TEST(ContainedProcess, AnswersLargerThanAPipeArriveWhole) {
  std::string big(3 << 20, 'x');
  big[12345] = 'y';
  ContainedResult run =
      runContained([&] { return big; }, /*timeLimitSeconds=*/60, big.size());
  EXPECT_EQ(run.failure, "");
  EXPECT_EQ(run.answer, big);
}

TEST(ContainedProcess, AKilledChildIsAFailure) {
  ContainedResult run = runContained(
      [] {
        raise(SIGKILL);
        return std::string("never");
      },
      /*timeLimitSeconds=*/60, 16);
  EXPECT_EQ(run.failure, "killed by signal 9, Killed");
  EXPECT_EQ(run.answer, "");
}

TEST(ContainedProcess, AnExitStatusIsAFailure) {
  ContainedResult run = runContained(
      [] {
        _exit(4);
        return std::string("never");
      },
      /*timeLimitSeconds=*/60, 16);
  EXPECT_EQ(run.failure, "the child exited with status 4");
}

TEST(ContainedProcess, AChildOutOfTimeIsKilled) {
  ContainedResult run = runContained(
      [] {
        sleep(30);
        return std::string("late");
      },
      /*timeLimitSeconds=*/0, 16);
  EXPECT_EQ(run.failure, "no answer within 0 s");
  EXPECT_EQ(run.answer, "");
}

TEST(ContainedProcess, AnAnswerPastTheLimitIsRefused) {
  ContainedResult run = runContained([] { return std::string(100, 'x'); },
                                     /*timeLimitSeconds=*/60, 10);
  EXPECT_EQ(run.failure, "an answer larger than 10 bytes");
  EXPECT_EQ(run.answer, "");
}

} // namespace
