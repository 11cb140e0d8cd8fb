//===- Machine.cpp - Where and when a benchmark ran -----------------------===//

#include "Machine.h"

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace qsnn::bench {

namespace {

std::string trim(const std::string &text) {
  size_t begin = text.find_first_not_of(" \t\r\n\"");
  size_t end = text.find_last_not_of(" \t\r\n\"");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

/// The value of the first `key<sep>value` line of `path`, or "".
std::string lookup(const std::string &path, const std::string &key, char sep) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t at = line.find(sep);
    if (at != std::string::npos && trim(line.substr(0, at)) == key)
      return trim(line.substr(at + 1));
  }
  return "";
}

std::string readFirstLine(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

} // namespace

nlohmann::json describeMachine() {
  nlohmann::json machine;
  std::string cpu = lookup("/proc/cpuinfo", "model name", ':');
  if (cpu.empty()) // aarch64 kernels name no model.
    cpu = lookup("/proc/cpuinfo", "CPU part", ':');
  machine["cpu"] = cpu.empty() ? "unknown" : cpu;
  // Family/model tell generations apart where the name does not ("AMD EPYC"
  // under KVM).
  machine["cpu_family"] = lookup("/proc/cpuinfo", "cpu family", ':');
  machine["cpu_model"] = lookup("/proc/cpuinfo", "model", ':');
  machine["virtualized"] = (" " + lookup("/proc/cpuinfo", "flags", ':') + " ")
                               .find(" hypervisor ") != std::string::npos;
  machine["logical_cpus"] = std::thread::hardware_concurrency();
  struct utsname names;
  if (uname(&names) == 0)
    machine["kernel"] =
        std::string(names.sysname) + " " + names.release + " " + names.machine;
  std::string os = lookup("/etc/os-release", "PRETTY_NAME", '=');
  machine["os"] = os.empty() ? "unknown" : os;
  return machine;
}

std::string utcNow() {
  std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts;
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string gitCommit(const std::string &sourceDir) {
  const std::string git = sourceDir + "/.git";
  std::string head = readFirstLine(git + "/HEAD");
  const std::string refPrefix = "ref: ";
  if (head.rfind(refPrefix, 0) != 0)
    return head.size() == 40 ? head : ""; // A detached HEAD is the hash.
  std::string ref = head.substr(refPrefix.size());
  std::string loose = readFirstLine(git + "/" + ref);
  if (loose.size() == 40)
    return loose;
  std::ifstream packed(git + "/packed-refs");
  std::string line;
  while (std::getline(packed, line)) {
    std::istringstream fields(line);
    std::string hash, name;
    if (fields >> hash >> name && name == ref && hash.size() == 40)
      return hash;
  }
  return "";
}

double processCpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * now.tv_nsec;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid]
                           : 0.5 * (values[mid - 1] + values[mid]);
}

} // namespace qsnn::bench
