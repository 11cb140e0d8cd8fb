//===- Files.cpp - read an artifact's files without blocking on them ------===//
#include "RuntimeInternal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qsnn::runtime;

qsnn_rt_status qsnn::runtime::readRegularFile(const std::string &path,
                                              uint64_t maxBytes,
                                              std::string &bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below
  // then refuses it.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return fail(errno == ENOENT ? QSNN_RT_ERR_NOT_FOUND
                                : QSNN_RT_ERR_INVALID_ARTIFACT,
                path + " cannot be opened: " + std::strerror(errno));
  struct stat info;
  qsnn_rt_status status = QSNN_RT_OK;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
    status = fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                  path + " is not a regular file");
  else if (static_cast<uint64_t>(info.st_size) > maxBytes)
    status = fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                  path + " has " + std::to_string(info.st_size) +
                      " bytes, more than the " + std::to_string(maxBytes) +
                      " an artifact file may have");
  if (status == QSNN_RT_OK) {
    bytes.resize(info.st_size);
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = read(fd, &bytes[done], bytes.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        status = fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                      path + " cannot be read: " +
                          (n < 0 ? std::strerror(errno) : "it shrank"));
        break;
      }
      done += n;
    }
  }
  close(fd);
  return status;
}
