//===- ABIEntryPoints.cpp - NAME_run / NAME_info in LLVM IR ---------------===//
//
// The C ABI of runtime/include/qsnn_abi.h, built in LLVM IR after
// translation: the entry function (bare-pointer calling convention:
// inputs..., outputs..., workspace) becomes internal and NAME_run unpacks the
// caller's pointer arrays into a call to it.
//
//===----------------------------------------------------------------------===//
#include "Errors.h"
#include "qsnn/Target/CPU/CodeGen.h"

#include "qsnn_abi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <cstddef>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::cpu;
namespace cpu = mlir::qsnn::cpu;

// The LLVM struct types below spell out the C layouts; on the host these
// checks confirm that natural alignment reproduces them.
static_assert(offsetof(qsnn_tensor_desc, batch_dim) == 16,
              "tensor desc layout");
static_assert(offsetof(qsnn_tensor_desc, shape) == 24, "tensor desc layout");
static_assert(sizeof(qsnn_tensor_desc) == 24 + 8 * QSNN_MAX_RANK,
              "tensor desc layout");
static_assert(offsetof(qsnn_model_info, batch) == 48, "model info layout");
static_assert(offsetof(qsnn_model_info, inputs) == 88, "model info layout");
static_assert(sizeof(qsnn_model_info) == 112, "model info layout");

namespace {

/// A private NUL-terminated string constant.
llvm::Constant *createString(llvm::Module &module, llvm::StringRef value,
                             const llvm::Twine &name) {
  llvm::Constant *init =
      llvm::ConstantDataArray::getString(module.getContext(), value);
  auto *global =
      new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true,
                               llvm::GlobalValue::PrivateLinkage, init, name);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  global->setAlignment(llvm::Align(1));
  return global;
}

struct ABITypes {
  llvm::IntegerType *i32, *i64;
  llvm::PointerType *ptr;
  llvm::StructType *tensorDesc, *modelInfo;

  explicit ABITypes(llvm::LLVMContext &context) {
    i32 = llvm::Type::getInt32Ty(context);
    i64 = llvm::Type::getInt64Ty(context);
    ptr = llvm::PointerType::getUnqual(context);
    tensorDesc = llvm::StructType::create(
        context,
        {ptr, i32, i32, i32, i32, llvm::ArrayType::get(i64, QSNN_MAX_RANK)},
        "qsnn_tensor_desc");
    modelInfo =
        llvm::StructType::create(context,
                                 {i32, i32, ptr, ptr, ptr, ptr, ptr, i64, i64,
                                  i64, i32, i32, i32, i32, ptr, ptr, i64},
                                 "qsnn_model_info");
  }
};

/// A private constant array of qsnn_tensor_desc, or null when empty.
llvm::Constant *createTensorDescs(llvm::Module &module, const ABITypes &types,
                                  llvm::ArrayRef<TensorDescription> tensors,
                                  llvm::StringRef prefix) {
  if (tensors.empty())
    return llvm::ConstantPointerNull::get(types.ptr);
  SmallVector<llvm::Constant *> entries;
  for (auto [index, tensor] : llvm::enumerate(tensors)) {
    SmallVector<llvm::Constant *> shape;
    for (int d = 0; d < QSNN_MAX_RANK; ++d)
      shape.push_back(llvm::ConstantInt::get(
          types.i64,
          d < static_cast<int>(tensor.shape.size()) ? tensor.shape[d] : 0));
    entries.push_back(llvm::ConstantStruct::get(
        types.tensorDesc,
        {createString(module, tensor.name,
                      prefix + "_name_" + llvm::Twine(index)),
         llvm::ConstantInt::get(types.i32, static_cast<int32_t>(tensor.dtype)),
         llvm::ConstantInt::get(types.i32, tensor.shape.size()),
         llvm::ConstantInt::get(types.i32, tensor.batchDim),
         llvm::ConstantInt::get(types.i32, 0),
         llvm::ConstantArray::get(
             llvm::ArrayType::get(types.i64, QSNN_MAX_RANK), shape)}));
  }
  auto *arrayType = llvm::ArrayType::get(types.tensorDesc, entries.size());
  auto *global = new llvm::GlobalVariable(
      module, arrayType, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(arrayType, entries), prefix);
  return global;
}

void addInfoFunction(llvm::Module &module, const ABITypes &types,
                     const ModelDescription &desc) {
  const std::string &name = desc.name;
  auto str = [&](llvm::StringRef value, llvm::StringRef field) {
    return createString(module, value, "qsnn." + llvm::Twine(field));
  };
  auto i32 = [&](int64_t v) { return llvm::ConstantInt::get(types.i32, v); };
  auto i64 = [&](int64_t v) { return llvm::ConstantInt::get(types.i64, v); };
  llvm::Constant *info = llvm::ConstantStruct::get(
      types.modelInfo,
      {i32(QSNN_ABI_MAGIC), i32(QSNN_ABI_VERSION), str(name, "name"),
       str(desc.numerics, "numerics"), str(desc.target.triple, "triple"),
       str(desc.target.cpu, "cpu"), str(desc.target.features, "features"),
       i64(desc.batch), i64(desc.timeSteps), i64(desc.numClasses),
       i32(desc.readoutFracBits), i32(desc.inputs.size()),
       i32(desc.outputs.size()), i32(0),
       createTensorDescs(module, types, desc.inputs, "qsnn.inputs"),
       createTensorDescs(module, types, desc.outputs, "qsnn.outputs"),
       i64(desc.memory.workspaceBytes)});
  auto *global = new llvm::GlobalVariable(
      module, types.modelInfo, /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage, info, "qsnn.model_info");

  auto *function = llvm::Function::Create(
      llvm::FunctionType::get(types.ptr, /*isVarArg=*/false),
      llvm::GlobalValue::ExternalLinkage, name + "_info", module);
  llvm::IRBuilder<> builder(
      llvm::BasicBlock::Create(module.getContext(), "entry", function));
  builder.CreateRet(global);
}

void addRunFunction(llvm::Module &module, const ABITypes &types,
                    const ModelDescription &desc, llvm::Function *forward) {
  llvm::LLVMContext &context = module.getContext();
  auto *function = llvm::Function::Create(
      llvm::FunctionType::get(types.i32,
                              {types.ptr, types.ptr, types.ptr, types.i64},
                              /*isVarArg=*/false),
      llvm::GlobalValue::ExternalLinkage, desc.name + "_run", module);
  llvm::Value *inputs = function->getArg(0);
  llvm::Value *outputs = function->getArg(1);
  llvm::Value *workspace = function->getArg(2);
  llvm::Value *bytes = function->getArg(3);
  inputs->setName("inputs");
  outputs->setName("outputs");
  workspace->setName("workspace");
  bytes->setName("workspace_bytes");

  auto *entry = llvm::BasicBlock::Create(context, "entry", function);
  auto *reject = llvm::BasicBlock::Create(context, "bad_workspace", function);
  auto *compute = llvm::BasicBlock::Create(context, "compute", function);
  llvm::IRBuilder<> builder(entry);
  int64_t needed = desc.memory.workspaceBytes;
  llvm::Value *bad = builder.CreateICmpULT(
      bytes, llvm::ConstantInt::get(types.i64, needed), "too_small");
  // A model that needs no workspace accepts any pointer, NULL included.
  if (needed > 0) {
    llvm::Value *address = builder.CreatePtrToInt(workspace, types.i64);
    llvm::Value *misaligned = builder.CreateICmpNE(
        builder.CreateAnd(address, QSNN_WORKSPACE_ALIGNMENT - 1),
        llvm::ConstantInt::get(types.i64, 0), "misaligned");
    bad = builder.CreateOr(bad, misaligned);
  }
  builder.CreateCondBr(bad, reject, compute);

  builder.SetInsertPoint(reject);
  builder.CreateRet(llvm::ConstantInt::get(types.i32, QSNN_ERR_WORKSPACE));

  builder.SetInsertPoint(compute);
  SmallVector<llvm::Value *> args;
  auto loadPointers = [&](llvm::Value *array, size_t count) {
    for (size_t i = 0; i < count; ++i)
      args.push_back(builder.CreateLoad(
          types.ptr, builder.CreateConstInBoundsGEP1_64(types.ptr, array, i)));
  };
  loadPointers(inputs, desc.inputs.size());
  loadPointers(outputs, desc.outputs.size());
  args.push_back(workspace);
  builder.CreateCall(forward, args);
  builder.CreateRet(llvm::ConstantInt::get(types.i32, QSNN_OK));
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::Module>>
cpu::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                       const ModelDescription &desc) {
  // qsnn.* argument attributes (the workspace marker) mean nothing to LLVM.
  module.walk([](LLVM::LLVMFuncOp func) {
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (DictionaryAttr attrs = func.getArgAttrDict(i))
        for (NamedAttribute attr : attrs)
          if (attr.getName().strref().starts_with("qsnn."))
            func.removeArgAttr(i, attr.getName());
  });
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, desc.name);
  if (!llvmModule)
    return makeError("translation of the LLVM dialect to LLVM IR failed");

  llvm::Function *forward = llvmModule->getFunction(desc.functionName);
  size_t expected = desc.inputs.size() + desc.outputs.size() + 1;
  if (!forward || forward->isDeclaration() || forward->arg_size() != expected)
    return makeError("entry function '" + desc.functionName +
                     "' is missing or does not take inputs, outputs and the "
                     "workspace as " +
                     llvm::Twine(expected) + " pointers");
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration()) {
      llvm::StringRef callee = function.getName();
      if (function.isIntrinsic() || callee == "memcpy" || callee == "memset" ||
          callee == "memmove")
        continue;
      return makeError("the compiled model would call the external function '" +
                       callee +
                       "'; artifacts may only use memcpy/memset/memmove");
    }
    function.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  forward->setName(desc.name + "_forward");
  // Inputs, outputs and the workspace are distinct buffers (ABI contract);
  // telling LLVM spares the vectorizer its runtime overlap checks.
  for (llvm::Argument &arg : forward->args())
    arg.addAttr(llvm::Attribute::NoAlias);
  for (llvm::GlobalVariable &global : llvmModule->globals())
    if (!global.isDeclaration() && !global.hasLocalLinkage())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);

  ABITypes types(context);
  addInfoFunction(*llvmModule, types, desc);
  addRunFunction(*llvmModule, types, desc, forward);
  return llvmModule;
}
