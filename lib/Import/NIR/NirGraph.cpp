//===- NirGraph.cpp - nodes, edges and order of a NIR file ----------------===//
#include "NirGraph.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir::qsnn::nir_import;

llvm::ArrayRef<llvm::StringRef>
mlir::qsnn::nir_import::getSupportedNodeTypes() {
  static const llvm::StringRef types[] = {
      "Input", "Output",  "Affine",    "Linear",    "Conv1d", "Conv2d",
      "Scale", "Flatten", "SumPool2d", "AvgPool2d", "LIF",    "IF",
      "LI",    "I",       "Threshold", "CubaLIF",   "CubaLI"};
  return types;
}

std::string mlir::qsnn::nir_import::describeNode(const NirNode &node) {
  return "node '" + node.name + "' (" + node.type + ")";
}

std::string NirGraph::describeEdge(size_t edge) const {
  return "edge '" + nodes[edges[edge].source].name + "' -> '" +
         nodes[edges[edge].target].name + "'";
}

namespace {

/// The single string of a scalar (or one-element) string dataset.
bool readString(const H5Node *node, std::string &value) {
  if (!node || node->kind != H5Node::Kind::String || node->strings.size() != 1)
    return false;
  value = node->strings.front();
  return true;
}

bool readNodes(const H5Node &nodes, NirGraph &graph, std::string &error) {
  for (const auto &[name, group] : nodes.members) {
    NirNode node;
    node.name = name;
    node.group = group.get();
    if (!group->isGroup()) {
      error = "node '" + name + "': is a dataset, not a group";
      return false;
    }
    if (!readString(group->member("type"), node.type)) {
      error = "node '" + name + "': has no 'type' string dataset";
      return false;
    }
    if (node.type == "Integrator")
      node.type = "I";
    if (node.type == "Delay" || node.type == "NIRGraph") {
      error = describeNode(node) + ": " +
              (node.type == "Delay"
                   ? "delays are not supported (feed-forward graphs only)"
                   : "nested graphs are not supported; flatten the graph "
                     "before export");
      return false;
    }
    if (!llvm::is_contained(getSupportedNodeTypes(), node.type)) {
      error = describeNode(node) + ": unknown NIR node type; supported: " +
              llvm::join(getSupportedNodeTypes(), ", ");
      return false;
    }
    graph.nodes.push_back(std::move(node));
  }
  if (graph.nodes.empty()) {
    error = "the graph has no nodes";
    return false;
  }
  return true;
}

bool readEdges(const H5Node *edges, NirGraph &graph, std::string &error) {
  if (!edges) {
    error = "the graph has no 'edges' dataset";
    return false;
  }
  bool empty = edges->numElements() == 0;
  if (edges->kind != H5Node::Kind::String ||
      (!empty && (edges->shape.size() != 2 || edges->shape[1] != 2))) {
    error = "'edges' must be an [E, 2] array of node names";
    return false;
  }
  std::map<std::string, size_t> index;
  for (auto [i, node] : llvm::enumerate(graph.nodes))
    index[node.name] = i;
  for (size_t e = 0; 2 * e < edges->strings.size(); ++e) {
    const std::string &from = edges->strings[2 * e];
    const std::string &to = edges->strings[2 * e + 1];
    std::string what = "edge '" + from + "' -> '" + to + "'";
    auto source = index.find(from), target = index.find(to);
    if (source == index.end() || target == index.end()) {
      error = what + ": no node named '" + (source == index.end() ? from : to) +
              "'";
      return false;
    }
    graph.nodes[source->second].outputs.push_back(graph.edges.size());
    graph.nodes[target->second].inputs.push_back(graph.edges.size());
    graph.edges.push_back({source->second, target->second});
  }
  return true;
}

/// Depth-first order; an edge to a node still on the stack closes a cycle.
bool sortNodes(NirGraph &graph, std::string &error) {
  enum State { Unvisited, Active, Done };
  std::vector<State> state(graph.nodes.size(), Unvisited);
  std::vector<size_t> postOrder;
  // Explicit stack of (node, next output edge): no recursion on file data.
  for (size_t start = 0; start < graph.nodes.size(); ++start) {
    if (state[start] != Unvisited)
      continue;
    std::vector<std::pair<size_t, size_t>> stack{{start, 0}};
    state[start] = Active;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      const std::vector<size_t> &outputs = graph.nodes[node].outputs;
      if (next == outputs.size()) {
        state[node] = Done;
        postOrder.push_back(node);
        stack.pop_back();
        continue;
      }
      size_t edge = outputs[next++];
      size_t target = graph.edges[edge].target;
      if (state[target] == Active) {
        error = graph.describeEdge(edge) +
                ": closes a cycle; recurrent graphs are not supported";
        return false;
      }
      if (state[target] == Unvisited) {
        state[target] = Active;
        stack.push_back({target, 0});
      }
    }
  }
  graph.order.assign(postOrder.rbegin(), postOrder.rend());
  return true;
}

bool checkEnds(const NirGraph &graph, std::string &error) {
  bool hasInput = false, hasOutput = false;
  for (const NirNode &node : graph.nodes) {
    hasInput |= node.type == "Input";
    hasOutput |= node.type == "Output";
    if (node.type == "Input" && !node.inputs.empty()) {
      error = graph.describeEdge(node.inputs.front()) +
              ": an Input node has no inputs";
      return false;
    }
    if (node.type == "Output" && !node.outputs.empty()) {
      error = graph.describeEdge(node.outputs.front()) +
              ": an Output node has no outputs";
      return false;
    }
    if (node.type != "Input" && node.inputs.empty()) {
      error = describeNode(node) + ": has no incoming edge";
      return false;
    }
  }
  if (!hasInput || !hasOutput) {
    error = std::string("the graph has no ") + (hasInput ? "Output" : "Input") +
            " node";
    return false;
  }
  return true;
}

} // namespace

bool mlir::qsnn::nir_import::buildNirGraph(const H5Node &root, NirGraph &graph,
                                           std::string &error) {
  if (const H5Node *version = root.member("version"))
    if (!readString(version, graph.version)) {
      error = "'version' is not a string";
      return false;
    }
  const H5Node *top = root.member("node");
  if (!top || !top->isGroup()) {
    error = "no group 'node': not a NIR file";
    return false;
  }
  std::string type;
  if (const H5Node *typeNode = top->member("type"))
    if (!readString(typeNode, type) || type != "NIRGraph") {
      error = "the top-level node is not a NIRGraph";
      return false;
    }
  const H5Node *nodes = top->member("nodes");
  if (!nodes || !nodes->isGroup()) {
    error = "the graph has no 'nodes' group";
    return false;
  }
  return readNodes(*nodes, graph, error) &&
         readEdges(top->member("edges"), graph, error) &&
         checkEnds(graph, error) && sortNodes(graph, error);
}
