//===- Distributed.cpp - Rendezvous, agreement and collectives on c10d ----===//

#include "DistributedImpl.h"

#include <ATen/ATen.h>
#include <glog/logging.h>
#include <nlohmann/json.hpp>
#include <torch/utils.h>

#include <map>

namespace qsnn::train {

namespace {

using namespace std::chrono_literals;

std::string firstLine(const std::string &text) {
  return text.substr(0, text.find('\n'));
}

bool isLoopback(const std::string &host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

std::string endpoint(const DistributedOptions &o) {
  return o.masterAddr + ":" + std::to_string(o.masterPort);
}

c10::intrusive_ptr<c10d::TCPStore> connectStore(const DistributedOptions &o,
                                                bool server) {
  c10d::TCPStoreOptions store;
  store.port = static_cast<uint16_t>(o.masterPort);
  store.isServer = server;
  store.waitWorkers = false;
  store.timeout = std::chrono::seconds(o.timeoutSeconds);
  try {
    return c10::make_intrusive<c10d::TCPStore>(o.masterAddr, store);
  } catch (const std::exception &e) {
    const std::string why = e.what();
    if (server && why.find("Address already in use") != std::string::npos)
      throw DistributedError(
          "rank 0 cannot listen on port " + std::to_string(o.masterPort) +
          " (address already in use); choose a free --master-port "
          "(MASTER_PORT)");
    if (server)
      throw DistributedError("rank 0 cannot start its store on port " +
                             std::to_string(o.masterPort) + ": " +
                             firstLine(why));
    throw DistributedError(
        "rank " + std::to_string(o.rank) + " cannot reach rank 0's store at " +
        endpoint(o) + " within " + std::to_string(o.timeoutSeconds) +
        " s; is rank 0 running there, with the same --master-addr and "
        "--master-port (MASTER_ADDR, MASTER_PORT)?");
  }
}

std::string bytesToString(const std::vector<uint8_t> &bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::vector<uint8_t> stringToBytes(const std::string &text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

} // namespace

Distributed::Distributed(const DistributedOptions &options)
    : impl_(std::make_unique<Impl>()) {
  // c10d and Gloo log through glog; this tool prints its own one-line
  // diagnoses instead.
  FLAGS_minloglevel = google::GLOG_FATAL;
  Impl &d = *impl_;
  d.options = options;
  d.timeout = std::chrono::seconds(options.timeoutSeconds);
  d.store = connectStore(options, options.rank == 0);
  d.beatStore = connectStore(options, false);
  const std::string me = std::to_string(options.rank);
  if (d.store->add("qsnn/joined/" + me, 1) != 1)
    throw DistributedError("rank " + me +
                           " was started twice (every rank needs its own "
                           "--rank / RANK)");
  d.startHeartbeat();
}

Distributed::~Distributed() { impl_->stopHeartbeat(); }

int Distributed::rank() const { return impl_->options.rank; }
int Distributed::worldSize() const { return impl_->options.worldSize; }
bool Distributed::synchronizedStatistics() const {
  return impl_->options.syncBatchNorm;
}
const DistributedOptions &Distributed::options() const {
  return impl_->options;
}
const std::string &Distributed::failure() const { return impl_->failure; }

void Distributed::agree(const std::string &stage,
                        const std::function<void()> &work) {
  Impl &d = *impl_;
  std::exception_ptr own;
  std::string status = "ok";
  try {
    work();
  } catch (const std::exception &e) {
    own = std::current_exception();
    status = std::string("error:") + e.what();
  }
  d.store->set("qsnn/" + stage + "/" + std::to_string(rank()),
               stringToBytes(status));
  if (own)
    std::rethrow_exception(own);
  for (int r = 0; r < worldSize(); ++r) {
    const std::string key = "qsnn/" + stage + "/" + std::to_string(r);
    try {
      d.store->wait({key}, d.timeout);
    } catch (const std::exception &) {
      throw DistributedError("rank " + std::to_string(r) +
                             " did not get through start-up (" + stage +
                             ") within " +
                             std::to_string(d.options.timeoutSeconds) + " s");
    }
    std::string value = bytesToString(d.store->get(key));
    if (value.rfind("error:", 0) == 0)
      throw DistributedError("rank " + std::to_string(r) + ": " +
                             value.substr(6));
  }
}

void Distributed::compareOptions(const std::string &optionsJson) {
  Impl &d = *impl_;
  if (rank() == 0) {
    d.store->set("qsnn/options", stringToBytes(optionsJson));
    return;
  }
  d.store->wait({"qsnn/options"}, d.timeout);
  auto theirs =
      nlohmann::json::parse(bytesToString(d.store->get("qsnn/options")));
  auto mine = nlohmann::json::parse(optionsJson);
  for (auto it = theirs.begin(); it != theirs.end(); ++it) {
    const nlohmann::json &value =
        mine.contains(it.key()) ? mine[it.key()] : nlohmann::json();
    if (value != it.value())
      throw DistributedError(
          "rank " + std::to_string(rank()) + " was started with --" + it.key() +
          " " + value.dump() + ", rank 0 with --" + it.key() + " " +
          it.value().dump() +
          " (every rank needs the same model and training options)");
  }
}

void Distributed::publish(const std::string &key, const std::string &bytes) {
  impl_->store->set("qsnn/data/" + key, stringToBytes(bytes));
}

std::string Distributed::fetch(const std::string &key) {
  Impl &d = *impl_;
  d.store->wait({"qsnn/data/" + key}, d.timeout);
  return bytesToString(d.store->get("qsnn/data/" + key));
}

void Distributed::startProcessGroup() {
  Impl &d = *impl_;
  auto options = c10d::ProcessGroupGloo::Options::create(d.timeout);
  // Gloo's pairs connect directly between ranks, on ephemeral ports of the
  // interface chosen here (GLOO_SOCKET_IFNAME, as in PyTorch).
  if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"))
    options->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
  else if (isLoopback(d.options.masterAddr))
    options->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  options->threads = 2;
  auto prefixed = c10::make_intrusive<c10d::PrefixStore>("qsnn/gloo", d.store);
  try {
    d.group = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank(),
                                                          worldSize(), options);
  } catch (const std::exception &e) {
    fail(e);
  }
}

void Distributed::allreduce(at::Tensor &tensor, ReduceKind kind) {
  Impl &d = *impl_;
  c10d::AllreduceOptions opts;
  opts.reduceOp =
      kind == ReduceKind::Sum ? c10d::ReduceOp::SUM : c10d::ReduceOp::MAX;
  std::vector<at::Tensor> tensors = {tensor};
  try {
    d.group->allreduce(tensors, opts)->wait();
  } catch (const std::exception &e) {
    fail(e);
  }
}

void Distributed::broadcast(at::Tensor &tensor, int root) {
  Impl &d = *impl_;
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  std::vector<at::Tensor> tensors = {tensor};
  try {
    d.group->broadcast(tensors, opts)->wait();
  } catch (const std::exception &e) {
    fail(e);
  }
}

void Distributed::broadcastTensors(const std::vector<at::Tensor> &tensors) {
  torch::NoGradGuard noGrad;
  // One flat broadcast per dtype, in the order given.
  std::map<at::ScalarType, std::vector<at::Tensor>> byType;
  for (const at::Tensor &t : tensors)
    if (t.defined() && t.numel() > 0)
      byType[t.scalar_type()].push_back(t);
  for (auto &[type, group] : byType) {
    std::vector<at::Tensor> flat;
    for (const at::Tensor &t : group)
      flat.push_back(t.reshape({-1}));
    at::Tensor buffer = at::cat(flat);
    broadcast(buffer, 0);
    int64_t offset = 0;
    for (const at::Tensor &t : group) {
      t.copy_(buffer.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

void Distributed::barrier() {
  at::Tensor token = at::zeros({1}, at::kFloat);
  allreduce(token, ReduceKind::Sum);
}

void Distributed::setProgress(int64_t step) { impl_->step.store(step); }

void Distributed::reportError(const std::string &message) {
  try {
    impl_->store->set("qsnn/error/" + std::to_string(rank()),
                      stringToBytes(message));
  } catch (const std::exception &) {
    // The store went away with rank 0; nobody is left to tell.
  }
}

void Distributed::fail(const std::exception &e) {
  Impl &d = *impl_;
  if (d.failure.empty())
    d.failure = d.diagnose(firstLine(e.what()));
  throw DistributedError(d.failure);
}

uint64_t replicaChecksum(torch::nn::Module &module) {
  uint64_t hash = 1469598103934665603ull;
  auto add = [&](const at::Tensor &t) {
    if (!t.defined())
      return;
    at::Tensor c = t.contiguous();
    const auto *bytes = static_cast<const uint8_t *>(c.data_ptr());
    for (size_t i = 0, n = c.nbytes(); i < n; ++i) {
      hash ^= bytes[i];
      hash *= 1099511628211ull;
    }
  };
  for (const auto &p : module.named_parameters())
    add(p.value());
  for (const auto &b : module.named_buffers())
    add(b.value());
  return hash;
}

} // namespace qsnn::train
