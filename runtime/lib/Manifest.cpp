//===- Manifest.cpp - model.json, read and held against model.so ----------===//
#include "Manifest.h"

using namespace qsnn::runtime;
using nlohmann::json;

namespace {

/// model.json of a large model with its pipeline and plan is a few kB.
constexpr uint64_t kMaxManifestBytes = uint64_t(16) << 20;

bool isSha256Hex(const std::string &text) {
  return text.size() == 64 &&
         text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// Compares one field; on the first disagreement fills `message`.
class Agreement {
public:
  explicit Agreement(const Manifest &manifest) : manifest(manifest) {}

  void field(const std::string &what, const json *value,
             const json &expected) {
    if (!message.empty() || (value && *value == expected))
      return;
    message = manifest.file + " does not match model.so: " + what + " is " +
              (value ? value->dump() : std::string("missing")) +
              " in model.json but " + expected.dump() +
              " in the library (files of different compilations or an "
              "edited model.json; recompile the model)";
  }

  void field(const std::string &what, const json &object, const char *key,
             const json &expected) {
    auto found = object.is_object() ? object.find(key) : object.end();
    field(what, found == object.end() ? nullptr : &*found, expected);
  }

  void tensors(const char *kind, const json &list,
               const qsnn_tensor_desc *descs, int32_t count) {
    json size = list.is_array() ? json(list.size()) : json();
    field(std::string("the number of ") + kind + "s",
          list.is_array() ? &size : nullptr, count);
    for (int32_t i = 0; i < count && message.empty(); ++i) {
      const json &entry = list[i];
      const qsnn_tensor_desc &desc = descs[i];
      std::string what = std::string(kind) + " " + std::to_string(i) + " ";
      field(what + "name", entry, "name", desc.name ? desc.name : "");
      field(what + "dtype", entry, "dtype", dtypeName(desc.dtype));
      field(what + "batch_dim", entry, "batch_dim", desc.batch_dim);
      field(what + "shape", entry, "shape",
            std::vector<int64_t>(desc.shape, desc.shape + desc.rank));
    }
  }

  std::string message;

private:
  const Manifest &manifest;
};

} // namespace

qsnn_rt_status qsnn::runtime::readManifest(const std::string &dir,
                                           Manifest &manifest) {
  manifest.file = dir + "/model.json";
  const std::string &file = manifest.file;
  std::string text;
  if (qsnn_rt_status s = readRegularFile(file, kMaxManifestBytes, text)) {
    if (s != QSNN_RT_ERR_NOT_FOUND)
      return s;
    return fail(s, "'" + dir + "' is not a qsnn artifact: " + file +
                       " not found (write one with qsnn-compile -o " + dir +
                       ")");
  }
  manifest.root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const json &root = manifest.root;
  if (root.is_discarded() || !root.is_object())
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                file + " is not valid JSON (truncated or overwritten?)");
  auto version = root.find("abi_version");
  if (version == root.end() || !version->is_number_unsigned())
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                file + " has no abi_version: not a qsnn artifact manifest");
  if (version->get<uint64_t>() != QSNN_ABI_VERSION)
    return fail(QSNN_RT_ERR_ABI_VERSION,
                "'" + dir + "' was compiled for qsnn ABI version " +
                    std::to_string(version->get<uint64_t>()) +
                    "; this runtime supports version " +
                    std::to_string(QSNN_ABI_VERSION) +
                    ": recompile the model with this qsnn-compile");
  auto symbol = root.find("name");
  if (symbol == root.end() || !symbol->is_string() ||
      symbol->get<std::string>().empty())
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                file + " has no \"name\" (the artifact's symbol prefix)");
  manifest.name = symbol->get<std::string>();
  auto files = root.find("files");
  auto digest = files != root.end() && files->is_object()
                    ? files->find("shared_library_sha256")
                    : root.end();
  if (files == root.end() || !files->is_object() ||
      digest == files->end() || !digest->is_string() ||
      !isSha256Hex(digest->get<std::string>()))
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                file +
                    " has no files.shared_library_sha256 (64 hex digits): "
                    "recompile the model with this qsnn-compile");
  manifest.librarySha256 = digest->get<std::string>();
  return QSNN_RT_OK;
}

qsnn_rt_status
qsnn::runtime::checkManifestMatchesInfo(const Manifest &manifest,
                                        const qsnn_model_info &info) {
  const json &root = manifest.root;
  auto text = [](const char *value) { return value ? value : ""; };
  Agreement agree(manifest);
  agree.field("name", root, "name", text(info.name));
  agree.field("numerics", root, "numerics", text(info.numerics));
  agree.field("batch", root, "batch", info.batch);
  agree.field("time_steps", root, "time_steps", info.time_steps);
  agree.field("num_classes", root, "num_classes", info.num_classes);
  agree.field("readout_frac_bits", root, "readout_frac_bits",
              info.readout_frac_bits);
  const json empty = json::object();
  auto member = [&](const char *key) -> const json & {
    auto found = root.find(key);
    return found == root.end() ? empty : *found;
  };
  agree.field("memory.workspace_bytes", member("memory"), "workspace_bytes",
              info.workspace_bytes);
  agree.field("target.triple", member("target"), "triple",
              text(info.target_triple));
  agree.field("target.cpu", member("target"), "cpu", text(info.target_cpu));
  agree.field("target.features", member("target"), "features",
              text(info.target_features));
  agree.tensors("input", member("inputs"), info.inputs, info.num_inputs);
  agree.tensors("output", member("outputs"), info.outputs, info.num_outputs);
  const json &classes = member("classes");
  if (agree.message.empty() && classes.is_array() && !classes.empty() &&
      classes.size() != static_cast<size_t>(info.num_classes))
    agree.message = manifest.file + " names " +
                    std::to_string(classes.size()) + " classes but model.so " +
                    "has " + std::to_string(info.num_classes);
  if (!agree.message.empty())
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT, agree.message);
  return QSNN_RT_OK;
}
