# lit configuration for qsnn's FileCheck suites (Dialect/, Import/,
# Transforms/, Conversion/, Target/). Loaded through the generated
# build/test/lit.site.cfg.py, which sets the paths below.
import os

import lit.formats
import lit.util

config.name = "qsnn"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qsnn_obj_root, "test")

# Our tools first, then FileCheck/not/count from LLVM 19.
path = os.pathsep.join([config.qsnn_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
# Scripts that run artifacts through the qsnn package bind this build's
# runtime library.
config.environment["QSNN_RUNTIME_LIBRARY"] = os.path.join(
    config.qsnn_obj_root, "lib", "libqsnn_runtime.so")
# In the sanitized build Python (not instrumented) loads the instrumented
# runtime library, so it runs with the shared ASan runtime preloaded and,
# since the interpreter's own allocations are not ours, without leak checks.
python = config.python_executable
if config.qsnn_asan_runtime:
    options = config.environment.get("ASAN_OPTIONS", "")
    python = "env LD_PRELOAD=%s ASAN_OPTIONS=%s %s" % (
        config.qsnn_asan_runtime,
        (options + ":" if options else "") + "detect_leaks=0", python)
config.substitutions.append(("%python", python))
config.substitutions.append(("%qsnn_src", config.qsnn_src_root))
config.substitutions.append(
    ("%check_error", python + " " +
     os.path.join(config.test_source_root, "Inputs", "check_error.py")))

if config.qsnn_enable_train:
    config.available_features.add("train")

# Xilinx's arbitrary-precision headers (Apache-2.0), beside the clone as
# ../shared/third_party/ap_types: HLS C simulation with the ap_int types
# Vitis synthesizes. Tests that need them say `REQUIRES: ap-types` and are
# reported UNSUPPORTED where the folder is absent.
ap_types = os.path.normpath(os.path.join(
    config.qsnn_src_root, "..", "shared", "third_party", "ap_types", "include"))
if os.path.isfile(os.path.join(ap_types, "ap_int.h")):
    config.available_features.add("ap-types")
    config.substitutions.append(("%ap_types", ap_types))
else:
    lit_config.note("HLS tests with ap_int skipped: %s not found" % ap_types)
