//===- ModelExport.h - model.onnx plus ONNX backend-test vectors -*- C++
//-*-===//
#ifndef QSNN_TRAIN_MODELEXPORT_H
#define QSNN_TRAIN_MODELEXPORT_H

#include "qsnn/Train/Network.h"

#include <string>

namespace qsnn::train {

/// Exports `network` to `dir`/model.onnx (checked with the full ONNX check
/// first) and, if `testInputs` is defined (uint8, the network's input
/// layout), `dir`/test_data_set_0/{input_0,output_0}.pb with the float eval
/// logits. Every file is written aside and renamed into place; nothing is
/// written when the model fails the check. Throws ExportError.
void exportToDirectory(Network &network, const std::string &dir,
                       const at::Tensor &testInputs);

} // namespace qsnn::train

#endif // QSNN_TRAIN_MODELEXPORT_H
