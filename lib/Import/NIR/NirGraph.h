//===- NirGraph.h - a NIR graph read from its HDF5 tree ---------*- C++ -*-===//
//
// The graph of a NIR file (neuromorphs/NIR, file versions 0.1 to 1.x):
// nodes with their type and parameter datasets, edges, and a topological
// order. Building it checks the structure (docs/spec.md §8.1): every node
// has a known `type`, every edge names two nodes, the graph has no cycle.
// Private to lib/Import/NIR.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_NIR_NIRGRAPH_H
#define QSNN_LIB_IMPORT_NIR_NIRGRAPH_H

#include "HDF5Tree.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::qsnn::nir_import {

struct NirNode {
  std::string name;
  std::string type; // "LIF", "Affine", ...; "I" is the Integrator
  const H5Node *group = nullptr;
  std::vector<size_t> inputs;  // indices of edges ending here
  std::vector<size_t> outputs; // indices of edges starting here
};

struct NirEdge {
  size_t source, target; // node indices
};

struct NirGraph {
  std::string version;        // the file's `version`, "" when absent
  std::vector<NirNode> nodes; // in name order
  std::vector<NirEdge> edges; // in file order
  std::vector<size_t> order;  // node indices, every edge forward

  /// "edge 'a' -> 'b'"
  std::string describeEdge(size_t edge) const;
};

/// The node types the importer compiles.
llvm::ArrayRef<llvm::StringRef> getSupportedNodeTypes();

/// Builds the graph of the file's root group. Returns false with a one-line
/// message naming the node or edge in `error`.
bool buildNirGraph(const H5Node &root, NirGraph &graph, std::string &error);

/// "node 'lif' (LIF)"
std::string describeNode(const NirNode &node);

} // namespace mlir::qsnn::nir_import

#endif // QSNN_LIB_IMPORT_NIR_NIRGRAPH_H
