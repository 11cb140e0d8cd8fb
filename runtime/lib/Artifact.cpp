//===- Artifact.cpp - open, validate and close a compiled artifact --------===//
#include "Manifest.h"

#include <dlfcn.h>
#include <sys/stat.h>

using namespace qsnn::runtime;

namespace {

bool isDirectory(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

/// Larger than the code and weights of any model qsnn compiles.
constexpr uint64_t kMaxLibraryBytes = uint64_t(4) << 30;

bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

qsnn_rt_status checkDescs(const std::string &where, const char *kind,
                          const qsnn_tensor_desc *descs, int32_t count) {
  if (count < 1 || count > 64 || !descs)
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT, where + " declares " +
                                                  std::to_string(count) + " " +
                                                  kind + "s");
  for (int32_t i = 0; i < count; ++i) {
    const qsnn_tensor_desc &d = descs[i];
    bool ok = d.rank >= 0 && d.rank <= QSNN_MAX_RANK &&
              dtypeBytes(d.dtype) != 0 && d.batch_dim >= -1 &&
              d.batch_dim < d.rank;
    for (int32_t r = 0; ok && r < d.rank; ++r)
      ok = d.shape[r] > 0;
    if (!ok)
      return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                  where + " has a malformed description of " + kind + " " +
                      std::to_string(i));
  }
  return QSNN_RT_OK;
}

qsnn_rt_status checkInfo(const std::string &where,
                         const qsnn_model_info *info) {
  if (!info || info->magic != QSNN_ABI_MAGIC)
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                where + " does not describe a qsnn model (bad magic)");
  if (info->abi_version != QSNN_ABI_VERSION)
    return fail(QSNN_RT_ERR_ABI_VERSION,
                where + " was compiled for qsnn ABI version " +
                    std::to_string(info->abi_version) +
                    "; this runtime supports version " +
                    std::to_string(QSNN_ABI_VERSION));
  if (info->batch < 1)
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                where + " declares batch " + std::to_string(info->batch));
  if (qsnn_rt_status s =
          checkDescs(where, "input", info->inputs, info->num_inputs))
    return s;
  return checkDescs(where, "output", info->outputs, info->num_outputs);
}

/// The workspace and one staging buffer per tensor; false when out of
/// memory.
bool allocateBuffers(qsnn_model &model) {
  const qsnn_model_info &i = *model.info;
  model.workspaceBytes = i.workspace_bytes;
  model.workspace = alignedAlloc(i.workspace_bytes);
  bool allocated = model.workspace != nullptr;
  for (int32_t k = 0; allocated && k < i.num_inputs; ++k) {
    model.inputStaging.push_back(
        alignedAlloc(descBytes(i.inputs[k], i.batch)));
    allocated = model.inputStaging.back() != nullptr;
  }
  for (int32_t k = 0; allocated && k < i.num_outputs; ++k) {
    model.outputStaging.push_back(
        alignedAlloc(descBytes(i.outputs[k], i.batch)));
    allocated = model.outputStaging.back() != nullptr;
  }
  return allocated;
}

/// model.so must be a complete ELF shared object whose SHA-256 is the one
/// model.json records, so that no damaged or substituted code runs.
qsnn_rt_status checkLibraryFile(const std::string &dir,
                                const Manifest &manifest) {
  std::string library = dir + "/model.so";
  std::string bytes;
  if (qsnn_rt_status s =
          readRegularFile(library, kMaxLibraryBytes, bytes))
    return s == QSNN_RT_ERR_NOT_FOUND
               ? fail(s, library + " not found")
               : s;
  if (qsnn_rt_status s = checkSharedLibrary(library, bytes))
    return s;
  std::string digest = sha256Hex(bytes);
  if (digest != manifest.librarySha256)
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                library + " has SHA-256 " + digest + " but " + manifest.file +
                    " records " + manifest.librarySha256 +
                    ": the library was modified or replaced after "
                    "compilation; recompile the model");
  return QSNN_RT_OK;
}

/// dlopens the checked model.so, finds its entry points and checks its info
/// against itself, model.json and this CPU.
qsnn_rt_status loadLibrary(const std::string &dir, const Manifest &manifest,
                           qsnn_model &model) {
  std::string library = dir + "/model.so";
  const std::string &name = manifest.name;
  model.library = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model.library) {
    const char *reason = dlerror();
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                library +
                    " is not a loadable shared library (truncated or "
                    "foreign file?): " +
                    (reason ? reason : "unknown reason"));
  }
  auto info = reinterpret_cast<qsnn_info_fn>(
      dlsym(model.library, (name + "_info").c_str()));
  model.run = reinterpret_cast<qsnn_run_fn>(
      dlsym(model.library, (name + "_run").c_str()));
  if (!info || !model.run)
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                library + " does not export " + name + "_info and " + name +
                    "_run: not a qsnn artifact named '" + name + "'");
  model.info = info();
  if (qsnn_rt_status s = checkInfo(library, model.info))
    return s;
  if (qsnn_rt_status s = checkManifestMatchesInfo(manifest, *model.info))
    return s;
  if (!qsnn_cpu_supports(model.info->target_triple,
                         model.info->target_features))
    return fail(QSNN_RT_ERR_UNSUPPORTED_CPU, dir + ": " + qsnn_last_error());
  if (!allocateBuffers(model))
    return fail(QSNN_RT_ERR_OUT_OF_MEMORY,
                "cannot allocate the " +
                    std::to_string(model.info->workspace_bytes) +
                    "-byte workspace of " + dir);
  return QSNN_RT_OK;
}

} // namespace

extern "C" QSNN_EXPORT qsnn_rt_status qsnn_model_open(const char *path,
                                                      qsnn_model **out) {
  clearError();
  if (!path || !out)
    return fail(QSNN_RT_ERR_ARGUMENT, "qsnn_model_open: null argument");
  *out = nullptr;
  std::string dir = path;
  if (isFile(dir))
    return fail(QSNN_RT_ERR_NOT_FOUND,
                "'" + dir +
                    "' is a file, not an artifact folder; compile the model "
                    "first (qsnn-compile MODEL -o DIR) and pass DIR");
  if (!isDirectory(dir))
    return fail(QSNN_RT_ERR_NOT_FOUND,
                "artifact folder '" + dir + "' does not exist");
  Manifest manifest;
  if (qsnn_rt_status s = readManifest(dir, manifest))
    return s;
  if (qsnn_rt_status s = checkLibraryFile(dir, manifest))
    return s;
  auto model = std::make_unique<qsnn_model>();
  model->path = dir;
  if (qsnn_rt_status s = loadLibrary(dir, manifest, *model)) {
    // Every message was formatted before the library (which owns `info`)
    // is closed.
    qsnn_model_close(model.release());
    return s;
  }
  *out = model.release();
  return QSNN_RT_OK;
}

extern "C" QSNN_EXPORT void qsnn_model_close(qsnn_model *model) {
  if (!model)
    return;
  model->inputStaging.clear();
  model->outputStaging.clear();
  model->workspace.reset();
  if (model->library)
    dlclose(model->library);
  delete model;
}

extern "C" QSNN_EXPORT const qsnn_model_info *
qsnn_model_get_info(const qsnn_model *model) {
  return model ? model->info : nullptr;
}

extern "C" QSNN_EXPORT uint64_t
qsnn_model_workspace_bytes(const qsnn_model *model) {
  return model ? model->workspaceBytes : 0;
}
