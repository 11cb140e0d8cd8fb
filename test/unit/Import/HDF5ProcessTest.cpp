//===- HDF5ProcessTest.cpp - HDF5 in a child process ----------------------===//
//
// The reader process's answers as the importer sees them. A file that
// crashes HDF5 is test/Import/NIR/errors.test (damaged-heap); valid files go
// through this path in every NIR lit and end-to-end test.
//
//===----------------------------------------------------------------------===//
#include "HDF5Process.h"

#include <gtest/gtest.h>

using namespace mlir::qsnn::nir_import;

namespace {

TEST(HDF5Process, ReaderErrorsComeBackUnchanged) {
  std::string error;
  EXPECT_FALSE(readHDF5ImageContained("not an HDF5 file at all", error));
  EXPECT_EQ(error, "not a readable HDF5 file (truncated or corrupt?)");
  EXPECT_FALSE(readHDF5ImageContained("\x89HDF", error));
  EXPECT_EQ(error, "not an HDF5 file (too short)");
}

TEST(HDF5Process, AChildOutOfTimeIsKilled) {
  std::string error;
  EXPECT_FALSE(
      readHDF5ImageContained("not an HDF5 file at all", error, /*limit=*/0));
  EXPECT_EQ(error, "the HDF5 library failed while reading the file (no "
                   "answer within 0 s)");
}

} // namespace
