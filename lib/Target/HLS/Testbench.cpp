//===- Testbench.cpp - kernel header, C-simulation testbench, Tcl ---------===//
//
// The files next to the HLS kernel: <name>.h (prototype and shapes),
// <name>_tb.cpp (reads ONNX test vectors with its own small TensorProto
// reader, runs the kernel per compiled batch and requires the int64 logits
// to match exactly), run_hls.tcl (Vitis HLS csim + csynth), and the atomic
// writer that puts them in place.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Target/HLS/HLS.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;
using namespace mlir::qsnn::hls;

namespace {

std::string upper(llvm::StringRef name) { return name.upper(); }

std::string shapeList(llvm::ArrayRef<int64_t> shape) {
  std::string text = "{";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "}";
}

int64_t product(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The testbench's source: everything but the model-specific prefix.
constexpr const char *kTestbenchBody = R"TB(
/* A TensorProto (onnx.proto3) holds dims = 1, data_type = 2, int32_data = 5,
 * int64_data = 7, raw_data = 9: enough for uint8 inputs and int64 logits,
 * and float logits (data_type 1, raw_data) compared by their argmax. */
struct Tensor {
  int32_t dtype = 0;
  std::vector<int64_t> dims;
  std::vector<int64_t> values;
  std::vector<float> reals; /* float tensors */
};

static bool readVarint(const uint8_t *&p, const uint8_t *end, uint64_t &v) {
  v = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7) {
    uint8_t byte = *p++;
    v |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/* Repeated integer field: packed (wire type 2) or one varint (0). */
static bool readInts(const uint8_t *&p, const uint8_t *end, uint32_t wire,
                     std::vector<int64_t> &out) {
  uint64_t v;
  if (wire == 0) {
    if (!readVarint(p, end, v))
      return false;
    out.push_back(int64_t(v));
    return true;
  }
  uint64_t length;
  if (wire != 2 || !readVarint(p, end, length) || length > uint64_t(end - p))
    return false;
  const uint8_t *stop = p + length;
  while (p < stop) {
    if (!readVarint(p, stop, v))
      return false;
    out.push_back(int64_t(v));
  }
  return true;
}

static bool readTensor(const std::string &path, Tensor &t, std::string &err) {
  std::ifstream file(path.c_str(), std::ios::binary);
  if (!file) {
    err = "cannot open " + path;
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  const uint8_t *p = bytes.data(), *end = p + bytes.size();
  std::vector<int64_t> ints;
  const uint8_t *raw = 0;
  uint64_t rawLength = 0;
  while (p < end) {
    uint64_t key, v;
    if (!readVarint(p, end, key))
      break;
    uint32_t field = uint32_t(key >> 3), wire = uint32_t(key & 7);
    bool ok = true;
    if (field == 1)
      ok = readInts(p, end, wire, t.dims);
    else if (field == 2 && wire == 0)
      ok = readVarint(p, end, v) && ((t.dtype = int32_t(v)), true);
    else if ((field == 5 || field == 7) && (wire == 0 || wire == 2))
      ok = readInts(p, end, wire, ints);
    else if (wire == 0)
      ok = readVarint(p, end, v);
    else if (wire == 1 || wire == 5)
      ok = (p += wire == 1 ? 8 : 4) <= end;
    else if (wire == 2) {
      ok = readVarint(p, end, v) && v <= uint64_t(end - p);
      if (ok && field == 9) {
        raw = p;
        rawLength = v;
      }
      if (ok)
        p += v;
    } else
      ok = false;
    if (!ok) {
      err = path + ": malformed TensorProto";
      return false;
    }
  }
  int64_t count = 1;
  for (int64_t d : t.dims)
    count *= d;
  if (t.dtype != 1 && t.dtype != 2 && t.dtype != 7) {
    err = path + ": data_type " + std::to_string(t.dtype) +
          " (expected uint8 = 2, int64 = 7, or float = 1 logits)";
    return false;
  }
  if (t.dtype == 1) {
    if (!raw || int64_t(rawLength) != count * 4) {
      err = path + ": float logits need raw_data of dims' size";
      return false;
    }
    t.reals.resize(count);
    std::memcpy(t.reals.data(), raw, count * 4);
    t.values.assign(count, 0);
    return true;
  }
  int64_t width = t.dtype == 2 ? 1 : 8;
  if (raw) {
    if (int64_t(rawLength) != count * width) {
      err = path + ": raw_data size does not match dims";
      return false;
    }
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      for (int64_t b = 0; b < width; ++b)
        v |= uint64_t(raw[i * width + b]) << (8 * b);
      t.values.push_back(int64_t(v));
    }
  } else {
    t.values = ints;
  }
  if (int64_t(t.values.size()) != count) {
    err = path + ": " + std::to_string(t.values.size()) +
          " values for dims of " + std::to_string(count) + " elements";
    return false;
  }
  return true;
}

/* Samples [first, first + B) along `batchDim` of a tensor with `dims`, as
 * (outer, batch, inner) blocks. */
struct Split {
  int64_t outer = 1, inner = 1, total = 1;
};

static bool split(const Tensor &t, const int64_t *shape, int rank,
                  int batchDim, int64_t batch, Split &s, std::string &err) {
  if (int(t.dims.size()) != rank) {
    err = "rank " + std::to_string(t.dims.size()) + " differs from the "
          "kernel's " + std::to_string(rank);
    return false;
  }
  for (int d = 0; d < rank; ++d) {
    if (d == batchDim) {
      if (t.dims[d] % batch != 0) {
        err = "batch " + std::to_string(t.dims[d]) +
              " is not a multiple of the compiled batch " +
              std::to_string(batch);
        return false;
      }
      s.total = t.dims[d];
    } else if (t.dims[d] != shape[d]) {
      err = "dimension " + std::to_string(d) + " is " +
            std::to_string(t.dims[d]) + ", the kernel has " +
            std::to_string(shape[d]);
      return false;
    } else if (batchDim >= 0 && d < batchDim) {
      s.outer *= shape[d];
    } else {
      s.inner *= shape[d];
    }
  }
  if (batchDim < 0)
    s.total = batch;
  return true;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TEST_DATA_DIR...\n", argv[0]);
    return 2;
  }
  static uint8_t in[IN_ELEMENTS];
  static int64_t out[OUT_ELEMENTS];
  const int64_t inShape[] = IN_SHAPE, outShape[] = OUT_SHAPE;
  int64_t samples = 0, logits = 0, exact = 0, argmaxAgree = 0;
  bool anyFloat = false;
  for (int a = 1; a < argc; ++a) {
    std::string dir = argv[a], err;
    Tensor input, expected;
    Split si, so;
    if (!readTensor(dir + "/input_0.pb", input, err) ||
        !readTensor(dir + "/output_0.pb", expected, err) ||
        !split(input, inShape, IN_RANK, IN_BATCH_DIM, BATCH, si, err) ||
        !split(expected, outShape, OUT_RANK, OUT_BATCH_DIM, BATCH, so, err)) {
      std::fprintf(stderr, "%s: error: %s\n", dir.c_str(), err.c_str());
      return 1;
    }
    bool floatLogits = expected.dtype == 1;
    if (input.dtype != 2 || expected.dtype == 2 || si.total != so.total) {
      std::fprintf(stderr, "%s: error: expected uint8 inputs and int64 (or "
                   "float) logits for the same samples\n", dir.c_str());
      return 1;
    }
    if (floatLogits) {
      std::printf("%s: float logits: comparing the argmax only; the exact "
                  "int64 logits of this kernel are in the project's "
                  "test_data_set_0 (qsnn-compile --target hls writes them; "
                  "--test-data DIR picks the inputs)\n", dir.c_str());
      anyFloat = true;
    }
    for (int64_t first = 0; first < si.total; first += BATCH) {
      for (int64_t o = 0; o < si.outer; ++o)
        for (int64_t k = 0; k < BATCH * si.inner; ++k)
          in[o * BATCH * si.inner + k] =
              uint8_t(input.values[(o * si.total + first) * si.inner + k]);
      TOP(in, out);
      for (int64_t o = 0; o < so.outer; ++o)
        for (int64_t k = 0; k < BATCH * so.inner; ++k) {
          int64_t want = expected.values[(o * so.total + first) * so.inner + k];
          int64_t got = out[o * BATCH * so.inner + k];
          if (floatLogits)
            continue;
          ++logits;
          if (got == want)
            ++exact;
          else if (logits - exact <= 5)
            std::fprintf(stderr, "%s: sample %lld logit %lld: got %lld, "
                         "expected %lld\n", dir.c_str(),
                         (long long)(first + k / so.inner),
                         (long long)(k % so.inner), (long long)got,
                         (long long)want);
        }
      /* Argmax (ties: lowest index) per sample, for the [N, K] logits. */
      if (so.outer == 1)
        for (int64_t n = 0; n < BATCH; ++n) {
          const int64_t *g = out + n * so.inner;
          int64_t at = (first + n) * so.inner;
          int64_t bg = 0, bw = 0;
          for (int64_t k = 1; k < so.inner; ++k) {
            bg = g[k] > g[bg] ? k : bg;
            bw = (floatLogits ? expected.reals[at + k] > expected.reals[at + bw]
                              : expected.values[at + k] >
                                    expected.values[at + bw])
                     ? k
                     : bw;
          }
          argmaxAgree += bg == bw;
        }
      samples += BATCH;
    }
  }
  /* Integer vectors must match exactly; float ones in every argmax. */
  bool pass = samples > 0 && exact == logits &&
              (!anyFloat || argmaxAgree == samples);
  std::printf("%s: %lld samples, %lld/%lld integer logits exact, argmax "
              "agrees on %lld: %s\n", NAME, (long long)samples,
              (long long)exact, (long long)logits, (long long)argmaxAgree,
              pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
)TB";

} // namespace

std::string hls::renderKernelHeader(const qsnn::ModelDescription &d,
                                    const EmitOptions &options) {
  std::string p = upper(options.name) + "_HLS";
  const qsnn::TensorDescription &in = d.inputs[0], &out = d.outputs[0];
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* " << options.name << ".h - the HLS kernel " << options.name
     << "_top generated by qsnn (docs/hls.md). */\n"
     << "#ifndef " << p << "_H\n#define " << p
     << "_H\n\n#include <stdint.h>\n\n"
     << "#define " << p << "_BATCH " << d.batch << "\n"
     << "#define " << p << "_TIME_STEPS " << d.timeSteps << "\n"
     << "#define " << p << "_NUM_CLASSES " << d.numClasses << "\n"
     << "/* Float logits are z / (TIME_STEPS * 2^READOUT_FRAC_BITS). */\n"
     << "#define " << p << "_READOUT_FRAC_BITS " << d.readoutFracBits << "\n";
  for (auto [which, t] :
       {std::make_pair("INPUT", &in), std::make_pair("OUTPUT", &out)}) {
    os << "#define " << p << "_" << which << "_ELEMENTS " << product(t->shape)
       << "\n#define " << p << "_" << which << "_RANK " << t->shape.size()
       << "\n#define " << p << "_" << which << "_SHAPE " << shapeList(t->shape)
       << "\n#define " << p << "_" << which << "_BATCH_DIM " << t->batchDim
       << "\n";
  }
  os << "\n/* in: " << in.name << " (uint8), out: " << out.name
     << " (int64 integer logits). */\n"
     << "void " << options.name << "_top(const uint8_t in[" << product(in.shape)
     << "], int64_t out[" << product(out.shape) << "]);\n\n#endif\n";
  return text;
}

std::string hls::renderTestbench(const qsnn::ModelDescription &d,
                                 const EmitOptions &options) {
  std::string p = upper(options.name) + "_HLS";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* " << options.name
     << "_tb.cpp - C-simulation testbench generated by qsnn (docs/hls.md).\n"
        " *\n * Usage: "
     << options.name
     << "_tb TEST_DATA_DIR...  (ONNX test-vector folders holding\n"
        " * input_0.pb, uint8, and output_0.pb, int64 integer logits). Runs "
        "the\n * kernel per compiled batch and exits 0 only when every logit "
        "matches\n * exactly. No protobuf library: a small TensorProto reader. "
        "*/\n"
     << "#include \"" << options.name << ".h\"\n\n"
     << "#include <cstdio>\n#include <cstring>\n#include <fstream>\n#include "
        "<iterator>\n"
        "#include <string>\n#include <vector>\n\n"
     << "#define NAME \"" << options.name << "\"\n"
     << "#define TOP " << options.name << "_top\n"
     << "#define BATCH " << p << "_BATCH\n";
  for (auto [short_, long_] :
       {std::make_pair("IN", "INPUT"), std::make_pair("OUT", "OUTPUT")})
    for (const char *field : {"ELEMENTS", "RANK", "SHAPE", "BATCH_DIM"})
      os << "#define " << short_ << "_" << field << " " << p << "_" << long_
         << "_" << field << "\n";
  os << kTestbenchBody;
  return text;
}

std::string hls::renderTclScript(const qsnn::ModelDescription &d,
                                 const EmitOptions &options,
                                 llvm::StringRef testData) {
  (void)d;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "# run_hls.tcl - Vitis HLS C simulation and synthesis of "
     << options.name << "_top (docs/hls.md).\n"
     << "#   vitis_hls -f run_hls.tcl     (QSNN_TEST_DATA overrides the "
        "test-vector folder,\n#   QSNN_HLS_PART the part, QSNN_HLS_CLOCK "
        "the clock period in ns)\n"
     << "set dir [file dirname [file normalize [info script]]]\n"
     << (testData.empty()
             ? std::string("set test_data {}\n")
             : "set test_data [file join $dir " + testData.str() + "]\n")
     << "if {[info exists ::env(QSNN_TEST_DATA)]} { set test_data "
        "$::env(QSNN_TEST_DATA) }\n"
     << "set part xczu3eg-sbva484-1-e\n"
     << "if {[info exists ::env(QSNN_HLS_PART)]} { set part "
        "$::env(QSNN_HLS_PART) }\n"
     << "set clock 10\n"
     << "if {[info exists ::env(QSNN_HLS_CLOCK)]} { set clock "
        "$::env(QSNN_HLS_CLOCK) }\n\n"
     << "open_project -reset " << options.name << "_hls\n"
     << "set_top " << options.name << "_top\n"
     << "add_files $dir/" << options.name << ".cpp -cflags \"-std=c++14\"\n"
     << "add_files -tb $dir/" << options.name
     << "_tb.cpp -cflags \"-std=c++14 -I$dir\"\n"
     << "open_solution -reset solution1 -flow_target vivado\n"
     << "set_part $part\n"
     << "create_clock -period $clock -name default\n"
     << "if {$test_data eq {}} { puts \"run_hls.tcl: no test vectors: set "
        "QSNN_TEST_DATA to a test-data folder\"; exit 1 }\n"
     << "csim_design -argv $test_data\n"
     << "csynth_design\n"
     << "exit\n";
  return text;
}

llvm::Error hls::writeFilesAtomically(
    llvm::StringRef dir,
    llvm::ArrayRef<std::pair<std::string, std::string>> files) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError(ec, "cannot create " + dir + ": " +
                                           ec.message());
  SmallVector<std::string> temporaries;
  auto cleanup = [&] {
    for (const std::string &tmp : temporaries)
      llvm::sys::fs::remove(tmp);
  };
  for (const auto &[name, contents] : files) {
    // A name may be a relative path (test_data_set_0/input_0.pb).
    SmallString<256> parent(dir);
    llvm::sys::path::append(parent, llvm::sys::path::parent_path(name));
    if (std::error_code ec = llvm::sys::fs::create_directories(parent)) {
      cleanup();
      return llvm::createStringError(ec, "cannot create " + parent + ": " +
                                             ec.message());
    }
    SmallString<256> model(parent);
    llvm::sys::path::append(model, "." + llvm::sys::path::filename(name) +
                                       ".tmp-%%%%%%%%");
    int fd;
    SmallString<256> tmp;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, tmp)) {
      cleanup();
      return llvm::createStringError(ec, "cannot write in " + dir + ": " +
                                             ec.message());
    }
    temporaries.push_back(tmp.str().str());
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.close();
    if (os.has_error()) {
      cleanup();
      return llvm::createStringError(os.error(), "cannot write " + tmp);
    }
  }
  for (auto [tmp, file] : llvm::zip(temporaries, files)) {
    SmallString<256> target(dir);
    llvm::sys::path::append(target, file.first);
    if (std::error_code ec = llvm::sys::fs::rename(tmp, target)) {
      cleanup();
      return llvm::createStringError(ec, "cannot rename " + tmp + ": " +
                                             ec.message());
    }
  }
  return llvm::Error::success();
}
