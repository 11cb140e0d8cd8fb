//===- Jpeg.cpp - JPEG decoding through libjpeg
//-----------------------------===//
//
// libjpeg reports errors through a callback that must not return; we longjmp
// back out of the C library (throwing through C frames is undefined) and then
// throw DataError. Warnings such as "premature end of data" mean libjpeg
// padded the image with guessed pixels, so they are errors here too.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>

namespace qsnn::data::detail {
namespace {

struct JpegErrorHandler {
  jpeg_error_mgr base; // First member: libjpeg hands us a jpeg_error_mgr *.
  std::jmp_buf escape;
  char message[JMSG_LENGTH_MAX] = {};
};

void onJpegError(j_common_ptr info) {
  auto *handler = reinterpret_cast<JpegErrorHandler *>(info->err);
  handler->base.format_message(info, handler->message);
  std::longjmp(handler->escape, 1);
}

void onJpegMessage(j_common_ptr info, int level) {
  if (level < 0) // A warning: the data is corrupt.
    onJpegError(info);
}

/// Runs the decode; returns false with `handler.message` set on failure. Kept
/// free of C++ objects with destructors because longjmp may leave it.
bool decodeWithLibjpeg(const std::vector<uint8_t> &bytes,
                       JpegErrorHandler &handler, int64_t &width,
                       int64_t &height, std::vector<uint8_t> &rgb) {
  jpeg_decompress_struct info;
  info.err = jpeg_std_error(&handler.base);
  handler.base.error_exit = onJpegError;
  handler.base.emit_message = onJpegMessage;
  if (setjmp(handler.escape)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, const_cast<unsigned char *>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
    std::snprintf(handler.message, sizeof handler.message,
                  "CMYK JPEGs are not supported");
    jpeg_destroy_decompress(&info);
    return false;
  }
  const bool gray = info.num_components == 1;
  info.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&info);
  width = info.output_width;
  height = info.output_height;
  rgb.resize(size_t(width) * size_t(height) * 3);
  while (info.output_scanline < info.output_height) {
    unsigned char *row =
        rgb.data() + size_t(info.output_scanline) * size_t(width) * 3;
    jpeg_read_scanlines(&info, &row, 1);
    if (gray) // Expand in place from the back so no byte is overwritten early.
      for (int64_t x = width - 1; x >= 0; --x)
        row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = row[x];
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

} // namespace

void decodeJpegRgb(const fs::path &path, const std::vector<uint8_t> &bytes,
                   int64_t &width, int64_t &height, std::vector<uint8_t> &rgb) {
  if (bytes.size() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8)
    failFile(path, "not a JPEG file (starts with '" +
                       printablePrefix(bytes.data(), bytes.size(), 8) +
                       "', expected the FF D8 start-of-image marker)");
  JpegErrorHandler handler;
  if (!decodeWithLibjpeg(bytes, handler, width, height, rgb))
    failFile(path, std::string("corrupt JPEG: ") + handler.message);
}

} // namespace qsnn::data::detail
