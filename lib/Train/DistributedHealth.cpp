//===- DistributedHealth.cpp - Heartbeats and naming a lost rank ----------===//
//
// Gloo reports a dead peer as "connection closed by peer <address>" and a
// hung one as a timeout, neither with a rank. Every rank therefore writes a
// heartbeat (a counter and its current step) into the store twice a second;
// after a failed collective the survivor looks for an error a rank left in
// the store, then for heartbeats that stopped, and names that rank. When the
// store itself is gone, rank 0 (its host) is the one lost.
//
//===----------------------------------------------------------------------===//

#include "DistributedImpl.h"

#include <sstream>

namespace qsnn::train {

namespace {

using namespace std::chrono_literals;

constexpr auto kBeatInterval = 500ms;
constexpr auto kSilence = 3s; ///< Six missed beats: the rank is gone.

std::string beatKey(int rank) { return "qsnn/beat/" + std::to_string(rank); }
std::string errorKey(int rank) { return "qsnn/error/" + std::to_string(rank); }

std::string readKey(c10d::TCPStore &store, const std::string &key) {
  if (!store.check({key}))
    return "";
  std::vector<uint8_t> bytes = store.get(key);
  return std::string(bytes.begin(), bytes.end());
}

/// "<beats> <step>" -> step.
int64_t stepOf(const std::string &beat) {
  std::istringstream in(beat);
  int64_t beats = 0, step = -1;
  in >> beats >> step;
  return step;
}

} // namespace

void Distributed::Impl::startHeartbeat() {
  heartbeat_ = std::thread([this] {
    const std::string key = beatKey(options.rank);
    int64_t beats = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      const std::string value =
          std::to_string(++beats) + " " + std::to_string(step.load());
      try {
        beatStore->set(key, std::vector<uint8_t>(value.begin(), value.end()));
      } catch (const std::exception &) {
        return; // The store is gone; the training thread will notice.
      }
      wake_.wait_for(lock, kBeatInterval, [this] { return stopping_; });
    }
  });
}

void Distributed::Impl::stopHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (heartbeat_.joinable())
    heartbeat_.join();
}

std::string Distributed::Impl::diagnose(const std::string &what) {
  const int me = options.rank, world = options.worldSize;
  const std::string at = " at step " + std::to_string(step.load());
  try {
    auto reportedError = [&]() -> std::string {
      for (int r = 0; r < world; ++r)
        if (r != me)
          if (std::string e = readKey(*store, errorKey(r)); !e.empty())
            return "rank " + std::to_string(r) + " stopped" + at + ": " + e;
      return "";
    };
    if (std::string e = reportedError(); !e.empty())
      return e;
    std::vector<std::string> before(world), after(world);
    for (int r = 0; r < world; ++r)
      before[r] = readKey(*store, beatKey(r));
    std::this_thread::sleep_for(kSilence);
    if (std::string e = reportedError(); !e.empty())
      return e;
    for (int r = 0; r < world; ++r)
      after[r] = readKey(*store, beatKey(r));
    std::string lost, behind;
    int64_t newest = -1;
    for (int r = 0; r < world; ++r)
      newest = std::max(newest, stepOf(after[r]));
    for (int r = 0; r < world; ++r) {
      if (r == me)
        continue;
      if (after[r].empty() || after[r] == before[r])
        lost += (lost.empty() ? "" : ", ") + std::to_string(r);
      else if (stepOf(after[r]) < newest)
        behind += (behind.empty() ? "" : ", ") + std::to_string(r);
    }
    if (!lost.empty())
      return "lost rank " + lost + " (no heartbeat for 3 s)" + at + ": " + what;
    if (!behind.empty())
      return "rank " + behind + " hung behind the others" + at + ": " + what;
    return "a collective failed" + at +
           " although every rank is alive: " + what;
  } catch (const std::exception &) {
    if (me == 0)
      return "the store of rank 0 failed" + at + ": " + what;
    return "lost rank 0 (its store at " + options.masterAddr + ":" +
           std::to_string(options.masterPort) + " no longer answers)" + at +
           ": " + what;
  }
}

} // namespace qsnn::train
