//===- EmitNeurons.cpp - LIF, IF, LI, Integrator, CubaLIF, CubaLI ---------===//
//
// Forward Euler at step dt (docs/spec.md §8.3). A NIR leaky neuron
//   v <- v + (dt/tau) * ((v_leak - v) + R * I)
// is the qsnn.lif recurrence h = decay * u + I' with decay = 1 - dt/tau and
// the input current I' = (dt/tau) * R * I + (dt/tau) * v_leak, a per-neuron
// scale and shift before the op. IF and the Integrator add R * I per step
// (decay 1). Neurons fire when v > v_threshold and then store v_reset.
// A CubaLIF is a synaptic leaky integrator (w_in, tau_syn) feeding a LIF
// that reads the current of the same step.
//
//===----------------------------------------------------------------------===//
#include "Emitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::nir_import;

namespace {

struct Dynamics {
  double decay = 1.0;
  double threshold = 1.0;
  double vReset = 0.0;
  Reset reset = Reset::Hard;
  bool emitMembrane = false;
  /// Post-training quantization: k-bit membranes of range alphaU.
  int64_t membraneBits = 32;
  std::optional<double> alphaU;
};

std::string number(double value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%g", value);
  return text;
}

} // namespace

static Value createLIF(Emitter &e, Value current, const Dynamics &d) {
  auto lif = e.b.create<LIFOp>(e.loc, current, e.options.timeSteps,
                               d.membraneBits, d.alphaU, FireOn::Full,
                               Levels::Signed, d.decay, d.threshold);
  lif.setReset(d.reset);
  lif.setVResetAttr(e.b.getF64FloatAttr(d.vReset));
  lif.setStrict(d.reset != Reset::None);
  lif.setEmitMembrane(d.emitMembrane);
  return lif;
}

/// The Euler factor dt/tau of the time constant `name`; tau must be positive
/// and uniform, dt/tau below 1.
static FailureOr<double> eulerFactor(Emitter &e, llvm::StringRef name,
                                     const Shape &shape) {
  FailureOr<Param> tau = e.neuronParam(name, shape);
  if (failed(tau))
    return failure();
  for (double value : tau->values)
    if (!(value > 0))
      return e.fail(name + " must be positive, got " + number(value));
  if (!tau->isUniform())
    return e.fail(name + " differs between neurons; a layer needs one time "
                         "constant");
  if (!(e.options.dt > 0))
    return e.fail("has time constants: pass the Euler step --dt (seconds)");
  double factor = e.options.dt / tau->values.front();
  if (!(factor < 1))
    return e.fail("dt/" + name + " = " + number(factor) +
                  " is not below 1: forward Euler needs --dt < " + name + " (" +
                  number(tau->values.front()) + ")");
  return factor;
}

/// v_threshold and v_reset, each one value for the layer.
static LogicalResult firing(Emitter &e, const Shape &shape, Dynamics &d) {
  FailureOr<Param> theta = e.neuronParam("v_threshold", shape);
  if (failed(theta))
    return failure();
  FailureOr<Param> reset = e.neuronParam("v_reset", shape, 0.0);
  if (failed(reset))
    return failure();
  if (!theta->isUniform() || !reset->isUniform())
    return e.fail("v_threshold and v_reset must be the same for every neuron "
                  "of the layer");
  d.threshold = theta->values.front();
  d.vReset = reset->values.front();
  return success();
}

/// Per-neuron gain factor * p (p a parameter, or 1 when `name` is empty).
static FailureOr<Param> scaled(Emitter &e, llvm::StringRef name,
                               const Shape &shape, double factor,
                               std::optional<double> fallback = {}) {
  FailureOr<Param> p = e.neuronParam(name, shape, fallback);
  if (failed(p))
    return failure();
  for (double &value : p->values)
    value *= factor;
  return p;
}

/// The integer form (docs/spec.md §8.5) of a LIF or IF node: k-bit
/// membranes with the calibrated range, reset to 0.
static LogicalResult quantizedDynamics(Emitter &e, Dynamics &d) {
  const auto &quantization = *e.options.quantization;
  if (e.options.exposeMembranes)
    return e.fail("membranes can be exposed with float numerics only");
  if (d.vReset != 0.0)
    return e.fail("resets to v_reset = " + number(d.vReset) +
                  ", which has no integer form (the integer LIF resets to "
                  "0); compile with --numerics float");
  auto alpha = quantization.alphaU.find(e.node->name);
  if (alpha == quantization.alphaU.end() || !(alpha->second > 0))
    return e.fail("has no calibrated membrane range alpha_u");
  d.membraneBits = quantization.membraneBits;
  d.alphaU = alpha->second;
  return success();
}

FailureOr<NodeValue> Emitter::emitNeuron(const NodeValue &in) {
  llvm::StringRef type = node->type;
  const Shape &shape = in.shape;
  Dynamics d;
  if (options.quantization && type != "LIF" && type != "IF")
    return fail("has no integer form: integer numerics support the firing "
                "neurons LIF and IF; compile with --numerics float");
  Value current = in.value;
  bool leaky = type == "LIF" || type == "LI";
  bool fires = type == "LIF" || type == "IF" || type == "CubaLIF";
  if (type == "CubaLIF" || type == "CubaLI") {
    // The synaptic current: I_syn <- I_syn + (dt/tau_syn)(w_in * I - I_syn).
    FailureOr<double> k = eulerFactor(*this, "tau_syn", shape);
    if (failed(k))
      return failure();
    FailureOr<Param> gain = scaled(*this, "w_in", shape, *k, 1.0);
    if (failed(gain))
      return failure();
    Dynamics synapse;
    synapse.decay = 1.0 - *k;
    synapse.reset = Reset::None;
    synapse.emitMembrane = true;
    current = createLIF(*this, scaleAndShift(current, shape, &*gain, nullptr),
                        synapse);
  }
  double factor = 1.0;
  if (leaky || type.starts_with("Cuba")) {
    FailureOr<double> k = eulerFactor(*this, leaky ? "tau" : "tau_mem", shape);
    if (failed(k))
      return failure();
    factor = *k;
    d.decay = 1.0 - factor;
  }
  FailureOr<Param> gain = scaled(*this, "r", shape, factor);
  if (failed(gain))
    return failure();
  std::optional<Param> bias;
  if (type != "IF" && type != "I") {
    FailureOr<Param> leak = scaled(*this, "v_leak", shape, factor);
    if (failed(leak))
      return failure();
    bias = *leak;
  }
  if (fires && failed(firing(*this, shape, d)))
    return failure();
  if (options.quantization && failed(quantizedDynamics(*this, d)))
    return failure();
  if (!fires) {
    d.reset = Reset::None;
    d.emitMembrane = true;
  }
  current = scaleAndShift(current, shape, &*gain, bias ? &*bias : nullptr);
  Value result = createLIF(*this, current, d);
  if (fires && options.exposeMembranes) {
    Dynamics probe = d;
    probe.emitMembrane = true;
    membranes.push_back({node->name, createLIF(*this, current, probe)});
  }
  return NodeValue{result, shape};
}
