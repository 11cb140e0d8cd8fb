//===- ArtifactWriter.cpp - write the artifact files atomically -----------===//
#include "Errors.h"
#include "qsnn/Target/CPU/Artifact.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::cpu;
namespace cpu = mlir::qsnn::cpu;

namespace {

/// Temporary files in the output directory; removed on destruction unless
/// committed (renamed to their final names).
class StagedFiles {
public:
  explicit StagedFiles(std::string dir) : dir(std::move(dir)) {}
  ~StagedFiles() {
    for (const auto &[temp, final] : files)
      llvm::sys::fs::remove(temp);
  }

  /// Reserves a temporary path for the final file `name`.
  llvm::Expected<std::string> stage(llvm::StringRef name) {
    llvm::SmallString<256> model(dir);
    llvm::sys::path::append(model, "." + name + ".tmp-%%%%%%%%");
    llvm::SmallString<256> temp;
    int fd;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
      return makeError("cannot create a file in '" + dir +
                       "': " + ec.message());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    llvm::SmallString<256> final(dir);
    llvm::sys::path::append(final, name);
    files.emplace_back(temp.str().str(), final.str().str());
    return temp.str().str();
  }

  /// Renames every staged file to its final name.
  llvm::Error commit() {
    for (const auto &[temp, final] : files)
      if (std::error_code ec = llvm::sys::fs::rename(temp, final))
        return makeError("cannot rename '" + temp + "' to '" + final +
                         "': " + ec.message());
    files.clear();
    return llvm::Error::success();
  }

private:
  std::string dir;
  std::vector<std::pair<std::string, std::string>> files;
};

llvm::Error writeFile(llvm::StringRef path, llvm::StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  os << contents;
  os.close();
  if (os.has_error())
    return makeError("cannot write '" + path + "': " + os.error().message());
  return llvm::Error::success();
}

llvm::Expected<std::string> findLinker(llvm::StringRef requested) {
  if (!requested.empty()) {
    if (llvm::sys::fs::can_execute(requested))
      return requested.str();
    if (auto found = llvm::sys::findProgramByName(requested))
      return *found;
    return makeError("linker '" + requested + "' not found or not executable");
  }
  for (llvm::StringRef name : {"ld.lld", "ld.lld-19"}) {
    if (auto found = llvm::sys::findProgramByName(name))
      return *found;
    if (auto found = llvm::sys::findProgramByName(name, {QSNN_LLVM_TOOLS_DIR}))
      return *found;
  }
  return makeError("no ELF linker found to build model.so: install lld-19 "
                   "(ld.lld) or pass --linker=<path>");
}

llvm::Error linkSharedLibrary(llvm::StringRef linker, llvm::StringRef object,
                              llvm::StringRef output) {
  llvm::SmallVector<llvm::StringRef> args = {
      linker, "-shared", "-z", "noexecstack", "-o", output, object};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {},
                                         /*SecondsToWait=*/0,
                                         /*MemoryLimit=*/0, &message);
  if (status != 0)
    return makeError("linking model.so with '" + linker + "' failed" +
                     (message.empty()
                          ? " (exit code " + llvm::Twine(status) + ")"
                          : ": " + llvm::Twine(message)));
  return llvm::Error::success();
}

/// Checks that the linker really wrote an ELF shared object (a linker that
/// exits 0 without output must not pass) and returns its SHA-256.
llvm::Expected<std::string> hashLinkedLibrary(llvm::StringRef linker,
                                              llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read the linked model.so: " +
                     buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  constexpr size_t kElfTypeOffset = 16; // e_type follows e_ident[16]
  constexpr uint16_t kSharedObject = 3; // ET_DYN
  bool isShared = bytes.size() >= 64 && bytes.starts_with("\177ELF") &&
                  static_cast<uint8_t>(bytes[kElfTypeOffset]) ==
                      kSharedObject &&
                  bytes[kElfTypeOffset + 1] == 0;
  if (!isShared)
    return makeError("the linker '" + linker + "' exited 0 but model.so (" +
                     llvm::Twine(bytes.size()) +
                     " bytes) is not an ELF shared object");
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(bytes.data()),
                     bytes.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

} // namespace

llvm::Error cpu::writeArtifact(const ModelDescription &desc,
                               llvm::ArrayRef<char> object,
                               const ArtifactOptions &options) {
  if (std::error_code ec = llvm::sys::fs::create_directories(options.outputDir))
    return makeError("cannot create output directory '" + options.outputDir +
                     "': " + ec.message());
  auto linker = findLinker(options.linker);
  if (!linker)
    return linker.takeError();

  StagedFiles staged(options.outputDir);
  auto objectPath = staged.stage("model.o");
  if (!objectPath)
    return objectPath.takeError();
  if (auto error =
          writeFile(*objectPath, llvm::StringRef(object.data(), object.size())))
    return error;
  auto libraryPath = staged.stage("model.so");
  if (!libraryPath)
    return libraryPath.takeError();
  if (auto error = linkSharedLibrary(*linker, *objectPath, *libraryPath))
    return error;
  auto librarySha256 = hashLinkedLibrary(*linker, *libraryPath);
  if (!librarySha256)
    return librarySha256.takeError();
  auto headerPath = staged.stage("model.h");
  if (!headerPath)
    return headerPath.takeError();
  if (auto error = writeFile(*headerPath, renderHeader(desc)))
    return error;
  auto jsonPath = staged.stage("model.json");
  if (!jsonPath)
    return jsonPath.takeError();
  if (auto error = writeFile(*jsonPath, renderJSON(desc, *librarySha256)))
    return error;
  // model.json goes last: its presence marks a complete artifact.
  return staged.commit();
}
