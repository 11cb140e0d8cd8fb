//===- QSNNDialect.cpp - qsnn dialect registration ------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qsnn;

#include "qsnn/Dialect/QSNN/QSNNDialect.cpp.inc"
#include "qsnn/Dialect/QSNN/QSNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qsnn/Dialect/QSNN/QSNNAttrs.cpp.inc"

void QSNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qsnn/Dialect/QSNN/QSNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "qsnn/Dialect/QSNN/QSNNOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Discardable attributes (QSNNBase.td)
//===----------------------------------------------------------------------===//

namespace {

/// Fails with a message at `op` unless `valid`.
LogicalResult expectAttr(Operation *op, StringRef name, bool valid,
                         StringRef what) {
  if (valid)
    return success();
  return op->emitOpError() << "attribute '" << name << "' must be " << what;
}

bool isIntegerAttr(Attribute value) { return isa<IntegerAttr>(value); }
bool isStringArray(Attribute value) {
  auto array = dyn_cast<ArrayAttr>(value);
  return array && llvm::all_of(array, [](Attribute element) {
           return isa<StringAttr>(element);
         });
}

} // namespace

LogicalResult QSNNDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  Attribute value = attribute.getValue();
  if (name == TimeStepsAttrHelper::getNameStr()) {
    auto steps = dyn_cast<IntegerAttr>(value);
    return expectAttr(op, name, steps && steps.getInt() >= 1,
                      "a positive integer");
  }
  if (name == InputKindAttrHelper::getNameStr()) {
    auto kind = dyn_cast<StringAttr>(value);
    return expectAttr(op, name, kind && (kind == "static" || kind == "events"),
                      "\"static\" or \"events\"");
  }
  if (name == ClassNamesAttrHelper::getNameStr() ||
      name == BoundInputsAttrHelper::getNameStr())
    return expectAttr(op, name, isStringArray(value), "an array of strings");
  if (name == ModelNameAttrHelper::getNameStr())
    return expectAttr(op, name, isa<StringAttr>(value), "a string");
  if (name == OpsetAttrHelper::getNameStr() ||
      name == WorkspaceBytesAttrHelper::getNameStr() ||
      name == ActivationBytesAttrHelper::getNameStr() ||
      name == ScratchBytesAttrHelper::getNameStr() ||
      name == UnplannedBytesAttrHelper::getNameStr())
    return expectAttr(op, name, isIntegerAttr(value), "an integer");
  if (name == AccBitsAttrHelper::getNameStr()) {
    auto bits = dyn_cast<IntegerAttr>(value);
    return expectAttr(op, name,
                      bits && bits.getInt() >= 1 && bits.getInt() <= 128,
                      "an integer in [1, 128]");
  }
  return op->emitOpError() << "unknown qsnn attribute '" << name << "'";
}

/// Argument and result attributes of an entry function.
static LogicalResult verifyValueAttribute(Operation *op,
                                          NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  Attribute value = attribute.getValue();
  if (name == QSNNDialect::NameAttrHelper::getNameStr())
    return expectAttr(op, name, isa<StringAttr>(value), "a string");
  if (name == QSNNDialect::BatchDimAttrHelper::getNameStr()) {
    auto dim = dyn_cast<IntegerAttr>(value);
    return expectAttr(op, name, dim && dim.getInt() >= -1,
                      "an integer >= -1 (-1: no batch dimension)");
  }
  if (name == QSNNDialect::WorkspaceAttrHelper::getNameStr())
    return expectAttr(op, name, isa<UnitAttr>(value), "a unit attribute");
  return op->emitOpError() << "unknown qsnn argument or result attribute '"
                           << name << "'";
}

LogicalResult QSNNDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                    unsigned,
                                                    NamedAttribute attribute) {
  return verifyValueAttribute(op, attribute);
}

LogicalResult
QSNNDialect::verifyRegionResultAttribute(Operation *op, unsigned, unsigned,
                                         NamedAttribute attribute) {
  return verifyValueAttribute(op, attribute);
}
