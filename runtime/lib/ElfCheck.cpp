//===- ElfCheck.cpp - reject truncated or foreign libraries before dlopen -===//
//
// dlopen maps a library's segments as its headers describe them; a file cut
// short (an interrupted copy) makes the loader touch pages past the end of
// the file and the process dies with SIGBUS. Checking that the headers and
// every loadable segment lie inside the file turns that into an error.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <elf.h>
#include <cstring>
#include <vector>

using namespace qsnn::runtime;

namespace {

#if defined(__x86_64__)
constexpr uint16_t HostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t HostMachine = EM_AARCH64;
#else
constexpr uint16_t HostMachine = EM_NONE;
#endif

bool fits(uint64_t offset, uint64_t size, uint64_t fileSize) {
  return offset <= fileSize && size <= fileSize - offset;
}

} // namespace

qsnn_rt_status qsnn::runtime::checkSharedLibrary(const std::string &path,
                                                 const std::string &bytes) {
  uint64_t fileSize = bytes.size();
  auto bad = [&](const std::string &why) {
    return fail(QSNN_RT_ERR_INVALID_ARTIFACT,
                path +
                    " is not a loadable shared library (truncated or "
                    "foreign file?): " +
                    why);
  };
  Elf64_Ehdr header;
  if (fileSize < sizeof(header))
    return bad("file of " + std::to_string(fileSize) +
               " bytes is shorter than an ELF header");
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.e_ident[EI_MAG0] != ELFMAG0 ||
      header.e_ident[EI_MAG1] != ELFMAG1 ||
      header.e_ident[EI_MAG2] != ELFMAG2 || header.e_ident[EI_MAG3] != ELFMAG3)
    return bad("no ELF magic number");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_type != ET_DYN)
    return bad("not a 64-bit ELF shared object");
  if (header.e_machine != HostMachine)
    return fail(QSNN_RT_ERR_UNSUPPORTED_CPU,
                path +
                    " holds code for another processor architecture "
                    "(ELF machine " +
                    std::to_string(header.e_machine) + ")");
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      !fits(header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr),
            fileSize))
    return bad("program headers lie past the end of the file");
  if (header.e_shnum &&
      !fits(header.e_shoff, uint64_t(header.e_shnum) * header.e_shentsize,
            fileSize))
    return bad("section headers lie past the end of the file (" +
               std::to_string(fileSize) + " bytes)");
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  if (!segments.empty())
    std::memcpy(segments.data(), bytes.data() + header.e_phoff,
                segments.size() * sizeof(Elf64_Phdr));
  for (const Elf64_Phdr &segment : segments)
    if (segment.p_type == PT_LOAD &&
        !fits(segment.p_offset, segment.p_filesz, fileSize))
      return bad("a loadable segment ends at byte " +
                 std::to_string(segment.p_offset + segment.p_filesz) +
                 " of a " + std::to_string(fileSize) + "-byte file");
  return QSNN_RT_OK;
}
